// A progress bar on stderr: redrawn in place on a terminal, a line every few seconds otherwise.
export class Progress {
  private done = 0;
  private lastDraw = 0;
  private readonly started = performance.now();
  private readonly tty = Boolean(process.stderr.isTTY);

  constructor(
    private readonly label: string,
    private total: number,
    private readonly unit = 'rows',
  ) {}

  setTotal(total: number): void {
    this.total = total;
  }

  update(done: number, extra = ''): void {
    this.done = done;
    const now = performance.now();
    if (now - this.lastDraw < (this.tty ? 100 : 5_000)) return;
    this.lastDraw = now;
    this.draw(extra);
  }

  private draw(extra: string): void {
    const secs = (performance.now() - this.started) / 1000;
    const rate = secs > 0 ? this.done / secs : 0;
    const fraction = this.total > 0 ? Math.min(1, this.done / this.total) : 0;
    const width = 28;
    const bar = this.total > 0 ? `[${'#'.repeat(Math.round(fraction * width)).padEnd(width, '.')}] ${(fraction * 100).toFixed(0).padStart(3)}% ` : '';
    const line = `${this.label} ${bar}${this.done.toLocaleString('en-US')} ${this.unit} ${rate.toFixed(0)}/s ${extra}`;
    if (this.tty) process.stderr.write(`\r${line}\u001b[K`);
    else process.stderr.write(`${line}\n`);
  }

  finish(extra = ''): void {
    this.lastDraw = 0;
    this.draw(extra);
    if (this.tty) process.stderr.write('\n');
  }
}
