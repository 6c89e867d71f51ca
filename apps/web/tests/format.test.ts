import { describe, expect, it } from "vitest";
import { formatBytes, formatDuration, formatUsd, isExpired } from "@/lib/format";

describe("format", () => {
  it("durations", () => {
    expect(formatDuration(0)).toBe("0:00");
    expect(formatDuration(65.4)).toBe("1:05");
    expect(formatDuration(3725)).toBe("1:02:05");
  });
  it("bytes", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(2048)).toBe("2.0 KB");
    expect(formatBytes(50 * 1024 * 1024)).toBe("50 MB");
  });
  it("costs", () => {
    expect(formatUsd(null)).toBe("included");
    expect(formatUsd(0.004)).toBe("< $0.01");
    expect(formatUsd(1.5)).toBe("$1.50");
  });
  it("expiry, with a margin", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(isExpired("2026-01-01T00:00:10Z", now)).toBe(true); // within 30 s
    expect(isExpired("2026-01-01T00:05:00Z", now)).toBe(false);
  });
});
