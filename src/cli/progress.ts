/**
 * A one-line progress bar on a terminal (`[#####-----] 12/40 Ada/ada3.jpg`), redrawn in place with
 * a carriage return. Only when the stream is a TTY: piped or logged output gets the summary alone.
 */
export class ProgressBar {
  readonly #stream: NodeJS.WriteStream | null;
  readonly #total: number;
  #drawn = false;

  constructor(total: number, stream: NodeJS.WriteStream = process.stderr) {
    this.#total = total;
    this.#stream = stream.isTTY === true ? stream : null;
  }

  update(done: number, label: string): void {
    if (!this.#stream) return;
    this.#stream.write(`\r${renderBar(done, this.#total, label, this.#stream.columns || 80)}\x1b[K`);
    this.#drawn = true;
  }

  /** Removes the bar so that what follows starts on a clean line. */
  clear(): void {
    if (!this.#stream || !this.#drawn) return;
    this.#stream.write('\r\x1b[K');
    this.#drawn = false;
  }
}

/** The bar's text, at most `columns - 1` characters. Pure. */
export function renderBar(done: number, total: number, label: string, columns: number): string {
  const width = 20;
  const filled = total > 0 ? Math.round((Math.min(done, total) / total) * width) : width;
  const head = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} `;
  const room = Math.max(0, columns - 1 - head.length);
  const tail = label.length <= room ? label : `…${label.slice(label.length - room + 1)}`;
  return `${head}${room > 0 ? tail : ''}`.slice(0, Math.max(0, columns - 1));
}
