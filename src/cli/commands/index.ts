import type { RegisterCommand } from '../command-types.js';
import { register as hl7 } from './hl7.js';
import { register as send } from './send.js';
import { register as listen } from './listen.js';
import { register as site } from './site.js';
import { register as scenarios } from './scenarios.js';
import { register as lint } from './lint.js';
import { register as identity } from './identity.js';
import { register as load } from './load.js';
import { register as compliance } from './compliance.js';
import { register as adoption } from './adoption.js';
import { register as evidence } from './evidence.js';
import { register as run } from './run.js';
import { register as demo } from './demo.js';
import { register as serve } from './serve.js';
import { register as probe } from './probe.js';

/** Every command module, in help order. */
export const COMMANDS: RegisterCommand[] = [
  run,
  demo,
  scenarios,
  probe,
  lint,
  load,
  compliance,
  adoption,
  identity,
  site,
  send,
  listen,
  hl7,
  evidence,
  serve,
];
