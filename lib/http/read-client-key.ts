import { readClientAddress, throttleKeyOf, type HeaderSource } from "./client-address";

/** The throttling key of a request's client (sign-up, password reset): its trusted address. */
export function readClientKey(headers: HeaderSource): string {
  return throttleKeyOf(readClientAddress(headers));
}
