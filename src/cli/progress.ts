/**
 * A progress bar on a terminal: `[#####.....] 50% 500/1000 spans`, redrawn
 * in place every `intervalMillis` from what `read` reports.
 */
export function startProgress(
  write: (text: string) => void,
  read: () => number,
  total: number,
  intervalMillis = 100,
): { stop(): void } {
  const draw = (): void => {
    const done = Math.min(read(), total);
    const ratio = total > 0 ? done / total : 1;
    const filled = Math.round(ratio * 30);
    write(
      `\r[${'#'.repeat(filled)}${'.'.repeat(30 - filled)}] ${Math.round(ratio * 100)}% ${done}/${total} spans`,
    );
  };
  draw();
  const timer = setInterval(draw, intervalMillis);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      draw();
      write('\n');
    },
  };
}
