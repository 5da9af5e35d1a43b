// Every screen is live and client-rendered: the server sends the shell, the browser connects.
export const ssr = false;
export const prerender = false;
