/** A file the user picked or dropped, as base64 (what the API's JSON image fields take). */
export async function fileToBase64(file: Blob): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  // In slices: String.fromCharCode with a whole photo's bytes as arguments overflows the stack.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** The first image of a drop or a file input, or null. */
export function firstImage(files: FileList | null | undefined): File | null {
  for (const file of files ?? []) if (/^image\//.test(file.type) || /\.(jpe?g|png|webp)$/i.test(file.name)) return file;
  return null;
}
