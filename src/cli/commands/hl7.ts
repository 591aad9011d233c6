import type { RegisterCommand } from '../command-types.js';

/** `golive hl7`: not registered yet (its issue is open). */
export const register: RegisterCommand = () => {};
