/** Server-provided configuration, injected into index.html (see the server's workbench routes). */
export interface WorkbenchConfig {
  sdkAppId: number | null;
  allowedOrigins: string[];
  embedded: boolean;
}

export function readConfig(): WorkbenchConfig {
  const element = document.getElementById('openccc-config');
  const fallback: WorkbenchConfig = { sdkAppId: null, allowedOrigins: [], embedded: false };
  if (!element?.textContent) return fallback;
  try {
    return { ...fallback, ...(JSON.parse(element.textContent) as Partial<WorkbenchConfig>) };
  } catch {
    return fallback;
  }
}
