import type { RegisterCommand } from '../command-types.js';

/** `golive listen`: not registered yet (its issue is open). */
export const register: RegisterCommand = () => {};
