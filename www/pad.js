// The handwritten-signature pad: Pointer Events (finger, stylus, mouse), undo and clear, and
// the drawing as PNG bytes. The canvas follows its box on screen at the screen's pixel density
// (sharp on a phone); when the box changes (full screen, a turned phone, a keyboard opening)
// the drawing is scaled to fit the new box, keeping its shape: each stroke keeps the box it was
// drawn in and is scaled when drawn, so no sequence of resizes shrinks it for good.

export class SignaturePad {
  constructor(canvas) {
    this.canvas = canvas;
    this.context = canvas.getContext('2d');
    /** Strokes: `{ box, points }`, points in CSS pixels of the box the stroke was drawn in. */
    this.strokes = [];
    this.box = { width: 0, height: 0 };
    canvas.style.touchAction = 'none';
    canvas.addEventListener('pointerdown', (e) => {
      try {
        canvas.setPointerCapture(e.pointerId); // the stroke goes on past the pad's edge
      } catch { /* a pointer the browser does not know as active (a script's events) */ }
      if (!this.box.width) this.fit();
      this.strokes.push({ box: this.box, points: [this.point(e)] });
      this.draw();
    });
    canvas.addEventListener('pointermove', (e) => {
      if (e.buttons === 0 || !this.strokes.length) return;
      const coalesced = e.getCoalescedEvents?.() ?? [];
      for (const p of coalesced.length ? coalesced : [e]) this.strokes.at(-1).points.push(this.point(p));
      this.draw();
    });
    new ResizeObserver(() => this.fit()).observe(canvas);
    this.fit();
  }

  /** Sizes the canvas to its box at the screen's density, and draws again. */
  fit() {
    const { width, height } = this.canvas.getBoundingClientRect();
    if (!width || !height) return; // hidden: keep the drawing as it is
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
    for (const { box, points } of this.strokes) {
      const k = Math.min(this.box.width / box.width, this.box.height / box.height);
      for (let i = 1; i < points.length; i++) {
        c.lineWidth = points[i].w;
        c.beginPath();
        c.moveTo(points[i - 1].x * k, points[i - 1].y * k);
        c.lineTo(points[i].x * k, points[i].y * k);
        c.stroke();
      }
      if (points.length === 1) c.fillRect(points[0].x * k - 1.5, points[0].y * k - 1.5, 3, 3);
    }
  }

  /** The drawing as PNG bytes. */
  async png() {
    const blob = await new Promise((resolve) => this.canvas.toBlob(resolve, 'image/png'));
    return new Uint8Array(await blob.arrayBuffer());
  }
}
