// Live pages poll: every interval while shown, never two reads at once, and a failed read shown once, not per tick.

export function poll(read, intervalMs, onError) {
  let stopped = false;
  let timer = 0;
  let failing = false;
  const tick = async () => {
    if (stopped) return;
    try {
      await read();
      failing = false;
    } catch (error) {
      if (!failing) onError?.(error);
      failing = true;
    }
    if (!stopped) timer = setTimeout(tick, intervalMs);
  };
  timer = setTimeout(tick, intervalMs);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

// How often live views read again: the log tail, curves, a model's numbers.
export const interval = 2000;
