/**
 * The part of the WebAssembly API the sandbox uses. Node has it at run time; `@types/node` 20
 * does not declare it and the DOM library would declare far more than Node has.
 */
declare namespace WebAssembly {
  /** A compiled module, instantiated once per code job. */
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Module {}
  /** Linear memory; `maximum` (in 64 KiB pages) is a hard cap on its growth. */
  interface Memory {
    readonly buffer: ArrayBuffer;
    grow(pages: number): number;
  }
  const Memory: { new (descriptor: { initial: number; maximum?: number }): Memory };
  function compile(bytes: Uint8Array): Promise<Module>;
}
