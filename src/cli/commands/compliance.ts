import type { RegisterCommand } from '../command-types.js';

/** `golive compliance`: not registered yet (its issue is open). */
export const register: RegisterCommand = () => {};
