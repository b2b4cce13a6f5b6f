// The tab registry: one View per analysis, in tab order ("Capture" first).
// To add a view: write web/src/views/<area>.ts exporting a View, import it
// here and add it to `views` (a one-line edit each).
import type { Report, View } from "./types";
import { findingsView } from "./findings";
import { captureView } from "./capture";
import { overviewView } from "./overview";
import { tcpView } from "./tcp";
import { dnsView } from "./dns";
import { httpView } from "./http";
import { dhcpView } from "./dhcp";
import { icmpView } from "./icmp";
import { sipView } from "./sip";
import { tlsView } from "./tls";
import { packetsView } from "./packets";

export type { Report, View } from "./types";

/** views lists every tab in order. */
export const views: View[] = [
  findingsView,
  captureView,
  overviewView,
  tcpView,
  dnsView,
  httpView,
  dhcpView,
  icmpView,
  sipView,
  tlsView,
  packetsView,
];

/** availableViews returns the views whose tools are all in the report. */
export function availableViews(report: Report): View[] {
  return views.filter((v) => v.tools.every((t) => t in report));
}
