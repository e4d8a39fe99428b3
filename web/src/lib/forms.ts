import { useState } from "react";
import { get, useForm, type DefaultValues, type FieldErrors, type FieldValues, type Path, type Resolver, type UseFormProps, type UseFormReturn } from "react-hook-form";
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

/** `(name) => props` that wire a Field to a form: registered, with its message (own check, then the API's). */
export function binder<T extends FieldValues>(form: UseFormReturn<T>, apiError: unknown) {
  return (name: Path<T>) => ({ ...form.register(name), error: fieldMessage(form.formState.errors, apiError, name) });
}

/**
 * Submit that runs `action` once at a time: `busy` while it runs (and after success, which
 * navigates away), `error` when it throws.
 */
export function useBusySubmit<T>(action: (values: T) => Promise<void>) {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (values: T) => {
    setBusy(true);
    setError(null);
    try {
      await action(values);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return { busy, error, submit };
}
