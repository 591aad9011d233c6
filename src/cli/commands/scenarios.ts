import type { RegisterCommand } from '../command-types.js';

/** `golive scenarios`: not registered yet (its issue is open). */
export const register: RegisterCommand = () => {};
