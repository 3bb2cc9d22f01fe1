// Sending the outbox: one sync at a time from this page, and a request made while one runs is
// served by one more run right after it (it may have missed the newest record), never by a
// pile of them. The device's Web Lock keeps this page's syncs apart from other tabs' and the
// service worker's.

let device;
let running = null;
let queued = null;
const listeners = new Set();

/** The device this module sends for. */
export function sendFor(opened) {
  device = opened;
}

/** Whether a sync of this page is running (the outbox then says "sending"). */
export function sending() {
  return running !== null;
}

/**
 * Calls `listener({ phase, summary, error, done, total })` as syncs run: phase is "start",
 * "progress", "done" or "failed". Returns a function that stops it.
 */
export function onSending(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function tell(event) {
  for (const listener of listeners) {
    try { listener(event); } catch { /* a screen's redraw is not the sync's failure */ }
  }
}

async function run() {
  tell({ phase: 'start' });
  try {
    const summary = await device.sync({ onProgress: (done, total) => tell({ phase: 'progress', done, total }) });
    tell({ phase: 'done', summary });
    return summary;
  } catch (error) {
    tell({ phase: 'failed', error });
    throw error;
  }
}

/**
 * Sends the outbox now: the running sync's result if none is waiting behind it, else one more
 * run after it. Resolves to the sync's summary; rejects with its error.
 */
export function sendSoon() {
  if (!running) {
    running = run().finally(() => { running = null; });
    return running;
  }
  queued ??= running.catch(() => {}).then(() => {
    queued = null;
    return sendSoon();
  });
  return queued;
}

/**
 * Sends by itself while the app is open: now, whenever the connection returns, and every
 * five minutes. (The package's `autoSync` does the same, but its runs would not go through
 * `sendSoon`: the screens could not tell "sending" and runs would pile up behind a signature's.) Failures are recorded by the device as failure reports; where the browser
 * has Background Sync it is asked to try again after the app is closed.
 */
export function sendWhileOpen() {
  const attempt = () => sendSoon().catch(() => device.requestBackgroundSync().catch(() => false));
  addEventListener('online', attempt);
  setInterval(attempt, 5 * 60_000);
  attempt();
}
