// The file in the URL fragment (`#z=` + base64url of the deflated UTF-8 text), so that a link
// shares it. The fragment never reaches a server.

const KEY = 'z';

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

async function transform(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const body = new Blob([bytes as BlobPart]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(body).arrayBuffer());
}

/** Puts `text` in the fragment, replacing the history entry. */
export async function writeFragment(text: string): Promise<void> {
  const packed = await transform(new TextEncoder().encode(text), new CompressionStream('deflate-raw'));
  const fragment = `#${KEY}=${toBase64Url(packed)}`;
  if (location.hash !== fragment) history.replaceState(null, '', fragment);
}

/** The text in the fragment, or undefined when there is none (or it is damaged). */
export async function readFragment(): Promise<string | undefined> {
  const value = new URLSearchParams(location.hash.slice(1)).get(KEY);
  if (!value) return undefined;
  try {
    const bytes = await transform(fromBase64Url(value), new DecompressionStream('deflate-raw'));
    return new TextDecoder().decode(bytes);
  } catch {
    return undefined;
  }
}
