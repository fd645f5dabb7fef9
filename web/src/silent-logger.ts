/** vega-lite's logger interface with no output (its compile warnings would go to the console). */
export const silentLogger = {
  level(): number {
    return 0;
  },
  error: () => silentLogger,
  warn: () => silentLogger,
  info: () => silentLogger,
  debug: () => silentLogger,
};
