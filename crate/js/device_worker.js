// The dedicated worker a page's Device lives in (started by `device.js`): the Device's wasm,
// its memory and every unlocked key stay in this worker, out of reach of the page's scripts.
import { serve } from './device_host.js';

serve(self);
