import { config } from 'zod/mini';
import { en } from 'zod/locales';

// zod/mini is what a command that starts often loads: zod's classic API and its locales cost
// about 90 ms of start-up. It ships without messages, and ours are shown to people (a setting
// or a file of the wrong shape), so the English ones are set here, once, for every module that
// imports zod through this one.
config(en());

export * from 'zod/mini';
