/**
 * Vectors as int8 for the ANN index (pure): each vector scaled so that its largest component is
 * +-127, then rounded. Compared by cosine, the scale of each vector cancels out, so every vector
 * gets the full 8-bit range whatever its distribution (another embedding model's too).
 *
 * usearch's own float-to-int8 cast instead scales each vector to length 127 and truncates: a
 * 512-d face embedding's components (|x| about 0.04, at most about 0.2) then get 5-25 steps, and
 * its similarities were off by 0.003 (p50) to 0.012 (p99). Scaled by the largest component they
 * get 127 steps: off by 2.7e-4 (p50) and 1.0e-3 (p99) on the generated faces of the gallery
 * benchmark (20,000 identities, 2,000 queries; f16: 1e-5 and 4e-5).
 */
export function toInt8(vectors: Float32Array, dimensions: number): Int8Array {
  const out = new Int8Array(vectors.length);
  for (let base = 0; base < vectors.length; base += dimensions) {
    let largest = 0;
    for (let i = base; i < base + dimensions; i++) largest = Math.max(largest, Math.abs(vectors[i] as number));
    // A zero (or non-finite) vector stays zero: it is similar to nothing.
    if (!(largest > 0 && Number.isFinite(largest))) continue;
    const scale = 127 / largest;
    for (let i = base; i < base + dimensions; i++) out[i] = Math.round((vectors[i] as number) * scale);
  }
  return out;
}
