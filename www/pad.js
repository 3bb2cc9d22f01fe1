// The handwritten-signature pad: Pointer Events (finger, stylus, mouse), undo and clear, and
// the drawing as PNG bytes.

export class SignaturePad {
  constructor(canvas) {
    this.canvas = canvas;
    this.context = canvas.getContext('2d');
    this.strokes = [];
    canvas.style.touchAction = 'none';
    canvas.addEventListener('pointerdown', (e) => {
      canvas.setPointerCapture(e.pointerId);
      this.strokes.push([this.point(e)]);
      this.draw();
    });
    canvas.addEventListener('pointermove', (e) => {
      if (e.buttons === 0 || !this.strokes.length) return;
      for (const p of e.getCoalescedEvents?.() ?? [e]) this.strokes.at(-1).push(this.point(p));
      this.draw();
    });
  }

  /** A pointer position in canvas pixels, with its pressure for the line width. */
  point(e) {
    const box = this.canvas.getBoundingClientRect();
    const scale = this.canvas.width / box.width;
    return { x: (e.clientX - box.left) * scale, y: (e.clientY - box.top) * scale, w: 1.5 + 3 * (e.pressure || 0.5) };
  }

  get empty() {
    return this.strokes.length === 0;
  }

  undo() {
    this.strokes.pop();
    this.draw();
  }

  clear() {
    this.strokes = [];
    this.draw();
  }

  draw() {
    const c = this.context;
    c.clearRect(0, 0, this.canvas.width, this.canvas.height);
    c.lineCap = 'round';
    c.lineJoin = 'round';
    c.strokeStyle = '#0b1f3a';
    for (const stroke of this.strokes) {
      for (let i = 1; i < stroke.length; i++) {
        c.lineWidth = stroke[i].w;
        c.beginPath();
        c.moveTo(stroke[i - 1].x, stroke[i - 1].y);
        c.lineTo(stroke[i].x, stroke[i].y);
        c.stroke();
      }
      if (stroke.length === 1) c.fillRect(stroke[0].x - 1.5, stroke[0].y - 1.5, 3, 3);
    }
  }

  /** The drawing as PNG bytes. */
  async png() {
    const blob = await new Promise((resolve) => this.canvas.toBlob(resolve, 'image/png'));
    return new Uint8Array(await blob.arrayBuffer());
  }
}
