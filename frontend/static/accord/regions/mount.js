// One entry for the labeling screen and the history edit page: the component for the kind.

import { mountBoxes } from "./boxes.js";
import { mountSpans } from "./spans.js";

export const REGION_KINDS = ["spans", "boxes"];

// A component: load(item, value, suggestion), value(), handleKey(event) -> handled,
// accept() (the selected suggestion or all), focus(), and its RegionModel as .model.
export function mountRegions(host, config) {
  return config.kind === "boxes" ? mountBoxes(host, config) : mountSpans(host, config);
}
