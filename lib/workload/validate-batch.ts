import { IConstruct } from 'constructs';
import { invalidProp, requireInteger } from '../core';

/** Longest a single agent run may take: a day. */
export const MAX_ACTIVE_DEADLINE_SECONDS = 86400;
/** Most retries of a failed run. */
export const MAX_BACKOFF_LIMIT = 10;

/** The run bounds every batch shape shares. */
export function checkBatchBounds(
  scope: IConstruct,
  props: { readonly activeDeadlineSeconds?: number; readonly backoffLimit?: number },
  defaults: { readonly activeDeadlineSeconds: number; readonly backoffLimit: number },
): { activeDeadlineSeconds: number; backoffLimit: number } {
  return {
    activeDeadlineSeconds: requireInteger(
      scope,
      'activeDeadlineSeconds',
      props.activeDeadlineSeconds ?? defaults.activeDeadlineSeconds,
      1,
      MAX_ACTIVE_DEADLINE_SECONDS,
      'a run without a deadline can hang (or loop) with its credentials for ever',
    ),
    backoffLimit: requireInteger(
      scope,
      'backoffLimit',
      props.backoffLimit ?? defaults.backoffLimit,
      0,
      MAX_BACKOFF_LIMIT,
      'each retry repeats the run and its side effects',
    ),
  };
}

const CRON_MACROS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];
const NAMES = 'JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC|SUN|MON|TUE|WED|THU|FRI|SAT';
const ATOM = `(\\d{1,2}|${NAMES})`;
const RANGE = `(\\*|\\?|${ATOM}(-${ATOM})?)(\\/\\d{1,2})?`;
const FIELD = new RegExp(`^${RANGE}(,${RANGE})*$`, 'i');

/** A cron schedule the CronJob controller accepts: five fields or a macro; no time zone inside it. */
export function requireCronSchedule(scope: IConstruct, field: string, value: unknown): string {
  const allowed = `five cron fields ('0 3 * * *') or one of ${CRON_MACROS.join(', ')}; put a time zone in timeZone`;
  if (typeof value !== 'string') invalidProp(scope, field, value, allowed);
  if (/\b(CRON_)?TZ=/.test(value))
    invalidProp(scope, field, value, allowed, 'Kubernetes refuses TZ= in the schedule since 1.29; use timeZone');
  if (CRON_MACROS.includes(value)) return value;
  const fields = value.trim().split(/\s+/);
  if (value !== value.trim() || fields.length !== 5 || !fields.every((f) => FIELD.test(f)))
    invalidProp(scope, field, value, allowed);
  return value;
}

/** An IANA time zone name such as `Europe/Berlin` or `UTC`. */
export function requireTimeZone(scope: IConstruct, field: string, value: unknown): string {
  if (
    typeof value !== 'string' ||
    !/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/.test(value) ||
    value.length > 64
  )
    invalidProp(scope, field, value, "an IANA time zone name such as 'Europe/Berlin' or 'UTC'");
  return value;
}
