import { config } from 'zod/mini';
import { en } from 'zod/locales';

// zod/mini, imported through this module only, is what the commands that start often load (a
// hook call, trace-codes): zod's classic API and its locales cost them about 90 ms of start-up.
// It ships without messages, and ours are shown to people (a setting or a file of the wrong
// shape), so the English ones are set here, once, for every module that imports zod this way.
config(en());

export * from 'zod/mini';
