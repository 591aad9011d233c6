import type { RegisterCommand } from '../command-types.js';

/** `golive send`: not registered yet (its issue is open). */
export const register: RegisterCommand = () => {};
