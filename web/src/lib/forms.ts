import type { FieldErrors } from "react-hook-form";
import { isApiError } from "../api";

/** Field errors of an API error, keyed by field name. */
export function fieldErrorsOf(error: unknown): Record<string, string> {
  return isApiError(error) ? error.fieldErrors : {};
}

/**
 * The error to show at the top of a form: anything that isn't fully
 * explained by field errors on fields the form actually shows.
 */
export function formLevelError(error: unknown, shownFields: readonly string[]): unknown {
  if (!error) return null;
  if (!isApiError(error) || error.errors.length === 0) return error;
  const fe = error.fieldErrors;
  const unexplained = Object.keys(fe).filter((f) => !shownFields.includes(f));
  return unexplained.length ? error : null;
}

/** The message under a field: the form's own check (zod) first, then what the API said about it. */
export function fieldMessage(errors: FieldErrors, apiError: unknown, name: string): string | undefined {
  const own = errors[name]?.message;
  return typeof own === "string" && own ? own : fieldErrorsOf(apiError)[name];
}
