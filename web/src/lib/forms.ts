import { get, useForm, type DefaultValues, type FieldErrors, type FieldValues, type Resolver, type UseFormProps } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import type { z } from "zod";
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
  const own: unknown = (get(errors, name) as { message?: unknown } | undefined)?.message;
  return typeof own === "string" && own ? own : fieldErrorsOf(apiError)[name];
}

type Schema<T extends FieldValues> = z.ZodType<T, T>;

/**
 * A react-hook-form form checked by a zod schema. Rules that depend on other values (or on
 * which button was pressed) pass a function that builds the schema from the values.
 * Submit handlers receive the schema's output (trimmed strings and the like).
 */
export function useZodForm<T extends FieldValues>(
  schema: Schema<T> | ((values: T) => Schema<T>),
  defaultValues: DefaultValues<T>,
  options: Omit<UseFormProps<T>, "resolver" | "defaultValues"> = {},
) {
  const resolver: Resolver<T> = (values, context, options) =>
    zodResolver(typeof schema === "function" ? schema(values) : schema)(values, context, options) as ReturnType<Resolver<T>>;
  return useForm<T>({ ...options, resolver, defaultValues });
}

/** `(name) => message` for a form: its own check first, then the API's field error. */
export function messagesOf(errors: FieldErrors, apiError: unknown) {
  return (name: string) => fieldMessage(errors, apiError, name);
}
