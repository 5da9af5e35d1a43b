// The join form is rendered on the server (the join code already grants the public view), so a
// phone can fill it in before the socket and the replica libraries have arrived.
export const ssr = true;
