#!/usr/bin/env node
// `weft-worker`: a Weft worker process, the same as `weft worker`, for images that hold only the worker.
import { workerMain } from './main.js';
import { exitWhenDone } from './process/signals.js';

exitWhenDone(workerMain());
