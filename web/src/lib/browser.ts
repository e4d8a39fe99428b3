/** Full-page navigation to another origin (Stripe); an object so tests can stub it. */
export const browser = {
  assign(url: string) {
    window.location.assign(url);
  },
};
