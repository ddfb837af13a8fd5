/** ISO 8601 durations, as Service Bus takes them (PT1M, PT10M, P14D). */
export function isoDuration(totalSeconds: number): string {
    const days = Math.floor(totalSeconds / 86400);
    const hours = Math.floor((totalSeconds % 86400) / 3600);
    const minutes = Math.floor((totalSeconds % 3600) / 60);
    const seconds = totalSeconds % 60;
    const time = `${hours ? `${hours}H` : ""}${minutes ? `${minutes}M` : ""}${seconds ? `${seconds}S` : ""}`;
    return `P${days ? `${days}D` : ""}${time ? `T${time}` : ""}` || "PT0S";
}

/** .NET TimeSpan text (00:01:00), as the app's Cloud:Jobs settings take it. */
export function timeSpan(totalSeconds: number): string {
    const days = Math.floor(totalSeconds / 86400);
    const pad = (n: number) => String(n).padStart(2, "0");
    const clock = `${pad(Math.floor((totalSeconds % 86400) / 3600))}:${pad(Math.floor((totalSeconds % 3600) / 60))}:${pad(totalSeconds % 60)}`;
    return days ? `${days}.${clock}` : clock;
}
