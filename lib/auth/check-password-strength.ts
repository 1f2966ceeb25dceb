import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import { adjacencyGraphs, dictionary as commonDictionary } from "@zxcvbn-ts/language-common";
import { dictionary as englishDictionary, translations } from "@zxcvbn-ts/language-en";

/**
 * The least zxcvbn score (0-4) a new password needs: 3 means "safely unguessable: moderate
 * protection from an offline slow-hash attack" (about 10^8 guesses and more). Common passwords,
 * keyboard walks, names, dates and the user's own name or address score below it.
 */
export const PASSWORD_MIN_SCORE = 3;

let factory: ZxcvbnFactory | undefined;

/** Built on first use: the dictionaries (offline, in the packages) take a moment to index. */
function estimator(): ZxcvbnFactory {
  factory ??= new ZxcvbnFactory({
    translations,
    graphs: adjacencyGraphs,
    dictionary: { ...commonDictionary, ...englishDictionary },
  });
  return factory;
}

export interface PasswordStrength {
  score: number;
  ok: boolean;
  /** What to do about it, for the form (empty when ok). */
  message: string;
}

/** Rates a password, counting the user's own name and address as known words. */
export function checkPasswordStrength(options: { password: string; userInputs?: string[] }): PasswordStrength {
  const inputs = (options.userInputs ?? []).flatMap((v) => [v, ...v.split(/[@.\s]+/)]).filter((v) => v.length >= 3);
  const result = estimator().check(options.password.slice(0, 100), inputs);
  if (result.score >= PASSWORD_MIN_SCORE) return { score: result.score, ok: true, message: "" };
  const hint = [result.feedback.warning, ...result.feedback.suggestions].filter(Boolean).join(" ");
  return {
    score: result.score,
    ok: false,
    message: `This password is too easy to guess${hint ? `: ${hint}` : "."} Try a few unrelated words.`,
  };
}
