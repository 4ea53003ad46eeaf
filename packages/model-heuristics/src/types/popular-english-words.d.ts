declare module 'popular-english-words/words.js' {
  /** About 225,000 English words from Wikipedia, most frequent first. */
  export const words: readonly string[];
}
