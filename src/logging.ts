/**
 * Where nsbi reports warnings (dropped simulations, low acceptance, ...). Defaults to
 * console.warn; the CLI and applications can redirect or silence them.
 */
export type WarningHandler = (message: string) => void;

let handler: WarningHandler = (m) => console.warn(`nsbi: ${m}`);

export function setWarningHandler(h: WarningHandler): WarningHandler {
  const previous = handler;
  handler = h;
  return previous;
}

export function warn(message: string): void {
  handler(message);
}
