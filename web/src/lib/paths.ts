/** Where "Start selling" sends someone without an account: registration, then the sell form. */
export const SELL_SIGNUP = `/register?next=${encodeURIComponent("/marketplace/submit")}`;
