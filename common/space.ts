// Domain types shared by the studio, the listener page and the space server, with their zod schemas.
import { z } from 'zod';
import { normalizeDisplayName } from './names';
import { graphemeLength } from './text';

export const SPACE_ID_PATTERN = /^[a-z0-9]{10}$/;
export const spaceIdSchema = z.string().regex(SPACE_ID_PATTERN, 'a space id is 10 lowercase letters or digits');
export type SpaceId = z.infer<typeof spaceIdSchema>;

export const spaceStatusSchema = z.enum(['scheduled', 'live', 'ended']);
export type SpaceStatus = z.infer<typeof spaceStatusSchema>;

export const roleSchema = z.enum(['host', 'cohost', 'speaker', 'listener']);
export type Role = z.infer<typeof roleSchema>;

export const TITLE_MAX = 120;
export const DESCRIPTION_MAX = 1000;

export const spaceTitleSchema = z
  .string()
  .trim()
  .min(1, 'give the space a title')
  .max(TITLE_MAX * 16, `a title is at most ${TITLE_MAX} characters`)
  .refine((t) => graphemeLength(t) <= TITLE_MAX, `a title is at most ${TITLE_MAX} characters`);
export const spaceDescriptionSchema = z
  .string()
  .trim()
  .max(DESCRIPTION_MAX * 16, `a description is at most ${DESCRIPTION_MAX} characters`)
  .refine((t) => graphemeLength(t) <= DESCRIPTION_MAX, `a description is at most ${DESCRIPTION_MAX} characters`);

/** A name others see: normalised, and refused with a reason when it could deceive (see names.ts). */
export const displayNameSchema = z
  .string()
  .max(400, 'a name is at most 60 characters')
  .transform((raw, ctx) => {
    const checked = normalizeDisplayName(raw);
    if (checked.ok) return checked.name;
    ctx.addIssue({ code: 'custom', message: checked.message });
    return z.NEVER;
  });

/** What anyone with the share link may know about a space. */
export const publicSpaceSchema = z.object({
  id: spaceIdSchema,
  title: z.string(),
  description: z.string(),
  hostName: z.string(),
  status: spaceStatusSchema,
  createdAt: z.number().int(),
  startedAt: z.number().int().nullable(),
  endedAt: z.number().int().nullable(),
  /** When the host means to start (UTC ms); null or absent: not scheduled (started at once, or an older server). */
  scheduledAt: z.number().int().nullable().optional(),
  /** Set when the host cancelled the scheduled space (its status is then 'ended'). */
  cancelledAt: z.number().int().nullable().optional(),
});
export type PublicSpace = z.infer<typeof publicSpaceSchema>;

export const createSpaceSchema = z.object({
  title: spaceTitleSchema,
  description: spaceDescriptionSchema.default(''),
  hostName: displayNameSchema.default('Host'),
});
export type CreateSpaceInput = z.input<typeof createSpaceSchema>;
