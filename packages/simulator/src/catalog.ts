/**
 * What the simulated users reach: popular sites (ranked, for a Zipf popularity), their categories and content,
 * the user agents of the fleet, and where external services live. External addresses come from 198.18.0.0/15
 * (reserved for benchmarking, RFC 2544) so they never point at a real organisation; attacker infrastructure
 * from the documentation range 203.0.113.0/24.
 */

/** Popular sites, most popular first (the order sets the Zipf rank). */
export const SITES: readonly { readonly domain: string; readonly category: string }[] = [
  ['google.com', 'Search Engines/Portals'],
  ['microsoft.com', 'Technology/Internet'],
  ['office.com', 'Business/Economy'],
  ['outlook.office365.com', 'Email'],
  ['windowsupdate.com', 'Technology/Internet'],
  ['youtube.com', 'Audio/Video Clips'],
  ['gstatic.com', 'Content Servers'],
  ['googleapis.com', 'Content Servers'],
  ['akamaihd.net', 'Content Servers'],
  ['cloudfront.net', 'Content Servers'],
  ['amazonaws.com', 'Content Servers'],
  ['linkedin.com', 'Social Networking'],
  ['wikipedia.org', 'Reference'],
  ['github.com', 'Technology/Internet'],
  ['slack.com', 'Business/Economy'],
  ['zoom.us', 'Business/Economy'],
  ['salesforce.com', 'Business/Economy'],
  ['atlassian.net', 'Technology/Internet'],
  ['apple.com', 'Technology/Internet'],
  ['adobe.com', 'Technology/Internet'],
  ['bing.com', 'Search Engines/Portals'],
  ['yahoo.com', 'Search Engines/Portals'],
  ['facebook.com', 'Social Networking'],
  ['twitter.com', 'Social Networking'],
  ['reddit.com', 'Social Networking'],
  ['stackoverflow.com', 'Technology/Internet'],
  ['cloudflare.com', 'Technology/Internet'],
  ['dropbox.com', 'Online Storage'],
  ['box.com', 'Online Storage'],
  ['docker.io', 'Technology/Internet'],
  ['npmjs.org', 'Technology/Internet'],
  ['python.org', 'Technology/Internet'],
  ['nytimes.com', 'News'],
  ['bbc.co.uk', 'News'],
  ['reuters.com', 'News'],
  ['theguardian.com', 'News'],
  ['weather.com', 'News'],
  ['amazon.com', 'Shopping'],
  ['ebay.com', 'Shopping'],
  ['paypal.com', 'Financial Services'],
  ['chase.com', 'Financial Services'],
  ['booking.com', 'Travel'],
  ['expedia.com', 'Travel'],
  ['spotify.com', 'Audio/Video Clips'],
  ['netflix.com', 'Audio/Video Clips'],
  ['twitch.tv', 'Audio/Video Clips'],
  ['medium.com', 'Reference'],
  ['mozilla.org', 'Technology/Internet'],
  ['ubuntu.com', 'Technology/Internet'],
  ['digicert.com', 'Technology/Internet'],
  ['letsencrypt.org', 'Technology/Internet'],
  ['okta.com', 'Technology/Internet'],
  ['servicenow.com', 'Business/Economy'],
  ['workday.com', 'Business/Economy'],
  ['sap.com', 'Business/Economy'],
  ['oracle.com', 'Technology/Internet'],
  ['ibm.com', 'Technology/Internet'],
  ['cisco.com', 'Technology/Internet'],
  ['vmware.com', 'Technology/Internet'],
  ['intel.com', 'Technology/Internet'],
  ['nvidia.com', 'Technology/Internet'],
  ['hp.com', 'Technology/Internet'],
  ['dell.com', 'Technology/Internet'],
  ['lenovo.com', 'Technology/Internet'],
  ['imdb.com', 'Entertainment'],
  ['espn.com', 'Sports/Recreation'],
  ['cnn.com', 'News'],
  ['forbes.com', 'News'],
  ['bloomberg.com', 'News'],
  ['wsj.com', 'News'],
  ['instagram.com', 'Social Networking'],
  ['whatsapp.com', 'Chat/Instant Messaging'],
  ['telegram.org', 'Chat/Instant Messaging'],
  ['duckduckgo.com', 'Search Engines/Portals'],
  ['wordpress.com', 'Personal Sites and Blogs'],
  ['gitlab.com', 'Technology/Internet'],
  ['bitbucket.org', 'Technology/Internet'],
  ['jetbrains.com', 'Technology/Internet'],
  ['visualstudio.com', 'Technology/Internet'],
  ['azure.com', 'Technology/Internet'],
  ['live.com', 'Email'],
  ['skype.com', 'Chat/Instant Messaging'],
  ['teams.microsoft.com', 'Business/Economy'],
  ['sharepoint.com', 'Business/Economy'],
  ['onedrive.com', 'Online Storage'],
  ['icloud.com', 'Online Storage'],
  ['gmail.com', 'Email'],
  ['mailchimp.com', 'Business/Economy'],
  ['hubspot.com', 'Business/Economy'],
  ['zendesk.com', 'Business/Economy'],
  ['shopify.com', 'Shopping'],
  ['etsy.com', 'Shopping'],
  ['walmart.com', 'Shopping'],
  ['target.com', 'Shopping'],
  ['fedex.com', 'Business/Economy'],
  ['ups.com', 'Business/Economy'],
  ['usps.com', 'Government/Legal'],
  ['irs.gov', 'Government/Legal'],
  ['europa.eu', 'Government/Legal'],
  ['gov.uk', 'Government/Legal'],
].map(([domain, category]) => ({ domain: domain!, category: category! }));

/** Sub-hosts users reach under a site. */
export const SUBHOSTS = ['www', 'www', 'www', 'cdn', 'static', 'api', 'img', 'login'] as const;

export const PATHS: readonly { readonly path: string; readonly type: string }[] = [
  { path: '/', type: 'text/html' },
  { path: '/index.html', type: 'text/html' },
  { path: '/assets/app.js', type: 'application/javascript' },
  { path: '/assets/style.css', type: 'text/css' },
  { path: '/img/logo.png', type: 'image/png' },
  { path: '/api/v1/items', type: 'application/json' },
  { path: '/search', type: 'text/html' },
  { path: '/favicon.ico', type: 'image/x-icon' },
  { path: '/fonts/main.woff2', type: 'font/woff2' },
  { path: '/video/segment.ts', type: 'video/mp2t' },
];

/** The fleet's browsers and agents, most common first. */
export const USER_AGENTS: readonly string[] = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
  'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17928; Pro)',
  'Microsoft-CryptoAPI/10.0',
  'Windows-Update-Agent/10.0.10011.16384 Client-Protocol/2.50',
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
];

/** FNV-1a of a string (stable address assignment). */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A stable external address for a host name, in 198.18.0.0/15. */
export function externalAddress(name: string): string {
  const h = hash32(name);
  return `198.${18 + (h & 1)}.${(h >>> 8) & 255}.${1 + ((h >>> 16) % 254)}`;
}

/** The site list as a top-domains CSV (`rank,domain`, Tranco/Umbrella style), for enrichers and models. */
export function topDomainsCsv(): string {
  return SITES.map((s, i) => `${i + 1},${s.domain}`).join('\n') + '\n';
}
