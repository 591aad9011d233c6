import type { RegisterCommand } from '../command-types.js';

/** `golive run`: not registered yet (its issue is open). */
export const register: RegisterCommand = () => {};
