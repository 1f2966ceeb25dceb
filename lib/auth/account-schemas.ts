import { z } from "zod";

/** Shared by the sign-up form (instant checks) and the server (the real ones). */
export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(1, "Enter your e-mail address.")
  .max(254, "That e-mail address is too long.")
  .pipe(z.email({ message: "Enter a valid e-mail address, like name@example.org." }));

export const PASSWORD_MIN_LENGTH = 10;

export const passwordSchema = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `Use at least ${PASSWORD_MIN_LENGTH} characters.`)
  .max(200, "Use at most 200 characters.");

export const displayNameSchema = z
  .string()
  .trim()
  .min(2, "Enter a name of at least 2 characters; it is shown on the leaderboard.")
  .max(60, "Use at most 60 characters.")
  .refine((v) => !/[<>\u0000-\u001f]/.test(v), "Angle brackets and control characters are not allowed.");

export const signUpInputSchema = z.object({
  name: displayNameSchema,
  email: emailSchema,
  password: passwordSchema,
});
export type SignUpInput = z.input<typeof signUpInputSchema>;

export const signInInputSchema = z.object({
  email: emailSchema,
  password: z.string().min(1, "Enter your password.").max(200, "Use at most 200 characters."),
});
