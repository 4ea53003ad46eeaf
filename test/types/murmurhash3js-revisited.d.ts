declare module 'murmurhash3js-revisited' {
  const mm: { x86: { hash128(bytes: Uint8Array, seed?: number): string; hash32(bytes: Uint8Array, seed?: number): number } };
  export default mm;
}
