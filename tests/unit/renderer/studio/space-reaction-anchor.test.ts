// Where a reaction from someone on stage starts: the centre of their avatar, in the reaction layer's coordinates.
import { describe, expect, it } from 'vitest';
import { anchorPoint } from '../../../../renderer/ui/social';

const rect = (left: number, top: number, width: number, height: number) =>
  ({ left, top, width, height, right: left + width, bottom: top + height, x: left, y: top, toJSON: () => ({}) }) as DOMRect;

describe('anchorPoint', () => {
  const layer = rect(100, 50, 800, 600);

  it("is the avatar centre, measured from the layer's left and bottom", () => {
    expect(anchorPoint(layer, rect(200, 150, 72, 72))).toEqual({ left: 136, bottom: 464 });
  });

  it("is null when the avatar is hidden, missing or outside the layer (the float then rises as anyone's)", () => {
    expect(anchorPoint(layer, null)).toBeNull();
    expect(anchorPoint(layer, rect(200, 150, 0, 0))).toBeNull();
    expect(anchorPoint(layer, rect(10, 150, 40, 40))).toBeNull();
    expect(anchorPoint(layer, rect(200, 700, 40, 40))).toBeNull();
  });
});
