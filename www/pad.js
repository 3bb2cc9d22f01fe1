// The handwritten-signature pad: Pointer Events (finger, stylus, mouse), undo and clear, and
// the drawing as PNG bytes. The canvas follows its box on screen at the screen's pixel density
// (sharp on a phone); when the box changes (full screen, a turned phone) the drawing is scaled
// to fit the new box, keeping its shape.

export class SignaturePad {
  constructor(canvas) {
    this.canvas = canvas;
    this.context = canvas.getContext('2d');
    /** Strokes in CSS pixels of the box they are drawn in (`this.box`). */
    this.strokes = [];
    this.box = { width: 0, height: 0 };
    canvas.style.touchAction = 'none';
    canvas.addEventListener('pointerdown', (e) => {
      try {
        canvas.setPointerCapture(e.pointerId); // the stroke goes on past the pad's edge
      } catch { /* a pointer the browser does not know as active (a script's events) */ }
      this.strokes.push([this.point(e)]);
      this.draw();
    });
    canvas.addEventListener('pointermove', (e) => {
      if (e.buttons === 0 || !this.strokes.length) return;
      const coalesced = e.getCoalescedEvents?.() ?? [];
      for (const p of coalesced.length ? coalesced : [e]) this.strokes.at(-1).push(this.point(p));
      this.draw();
    });
    new ResizeObserver(() => this.fit()).observe(canvas);
    this.fit();
  }

  /** Sizes the canvas to its box at the screen's density; scales what is drawn to the new box. */
  fit() {
    const { width, height } = this.canvas.getBoundingClientRect();
    if (!width || !height) return; // hidden: keep the drawing as it is
    const scale = this.box.width ? Math.min(width / this.box.width, height / this.box.height) : 1;
    if (scale !== 1) {
      this.strokes = this.strokes.map((stroke) => stroke.map((p) => ({ x: p.x * scale, y: p.y * scale, w: p.w })));
    }
    this.box = { width, height };
    const density = globalThis.devicePixelRatio || 1;
    this.canvas.width = Math.round(width * density);
    this.canvas.height = Math.round(height * density);
    this.context.setTransform(density, 0, 0, density, 0, 0);
    this.draw();
  }

  /** A pointer position in CSS pixels of the box, with its pressure for the line width. */
  point(e) {
    const box = this.canvas.getBoundingClientRect();
    return { x: e.clientX - box.left, y: e.clientY - box.top, w: 1.5 + 2.5 * (e.pressure || 0.5) };
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
    c.clearRect(0, 0, this.box.width, this.box.height);
    c.lineCap = 'round';
    c.lineJoin = 'round';
    c.strokeStyle = '#0b1f3a';
    c.fillStyle = '#0b1f3a';
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
