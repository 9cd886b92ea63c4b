import { useEffect, useMemo, useState } from 'preact/hooks';
import { ROLE_ADMIN, type ConsoleApi, type ConsoleUser } from './api.js';
import { dictionary, LANGUAGES, type Language } from './i18n.js';
import { SignInPage } from './pages/sign-in/sign-in-page.js';
import { parseHash, routesFor, type ConsoleRoute } from './routes.js';
import { common, Toasts, errorText, Button, Notice } from './ui/index.js';

const text = dictionary(
  {
    product: 'OpenCCC 管理控制台',
    instance: '实例',
    roleAdmin: '管理员',
    roleQa: '质检员',
    language: '语言',
    signOut: '退出登录',
    navigation: '导航',
    notFound: '没有这个页面。',
    adminOnly: '只有管理员可以查看此页面。',
    backHome: '返回快速开始',
    skip: '跳到主要内容',
    loadingSession: '正在加载…',
  },
  {
    product: 'OpenCCC Console',
    instance: 'Instance',
    roleAdmin: 'Administrator',
    roleQa: 'QA',
    language: 'Language',
    signOut: 'Sign out',
    navigation: 'Navigation',
    notFound: 'There is no such page.',
    adminOnly: 'Only administrators may see this page.',
    backHome: 'Back to Getting started',
    skip: 'Skip to the content',
    loadingSession: 'Loading…',
  },
);

const LANGUAGE_NAMES: Record<Language, string> = { 'zh-CN': '中文', 'en-US': 'English' };

export interface AppProps {
  api: ConsoleApi;
  lang: Language;
  onLanguage: (lang: Language) => void;
  /** Bumped by the API client on a 401: the session is gone. */
  signedOutTick: number;
  routes: readonly ConsoleRoute[];
}

type SessionState = { kind: 'loading' } | { kind: 'signed-out'; expired: boolean } | { kind: 'signed-in'; user: ConsoleUser } | { kind: 'failed'; error: unknown };

/** The console: sign-in, then the top bar, the navigation and the page the hash names. */
export function App({ api, lang, onLanguage, signedOutTick, routes }: AppProps) {
  const t = text[lang];
  const [session, setSession] = useState<SessionState>({ kind: 'loading' });
  const [hash, setHash] = useState(location.hash);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let live = true;
    api.session().then(
      (user) => live && setSession(user ? { kind: 'signed-in', user } : { kind: 'signed-out', expired: false }),
      (error: unknown) => live && setSession({ kind: 'failed', error }),
    );
    return () => {
      live = false;
    };
  }, [api, attempt]);

  useEffect(() => {
    if (signedOutTick > 0) setSession((s) => (s.kind === 'signed-in' ? { kind: 'signed-out', expired: true } : s));
  }, [signedOutTick]);

  useEffect(() => {
    const onHash = () => setHash(location.hash);
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = text[lang].product;
  }, [lang]);

  const location_ = useMemo(() => parseHash(hash), [hash]);

  const languageSwitch = (
    <label class="lang-switch">
      <span class="visually-hidden">{t.language}</span>
      <select class="input input-small" value={lang} onChange={(e) => onLanguage(e.currentTarget.value === 'en-US' ? 'en-US' : 'zh-CN')} aria-label={t.language}>
        {LANGUAGES.map((l) => (
          <option key={l} value={l}>
            {LANGUAGE_NAMES[l]}
          </option>
        ))}
      </select>
    </label>
  );

  if (session.kind === 'loading') {
    return (
      <div class="boot" role="status">
        <span class="spinner" aria-hidden="true" />
        {t.loadingSession}
      </div>
    );
  }
  if (session.kind === 'failed') {
    return (
      <div class="boot">
        <Notice kind="error">{errorText(session.error, lang)}</Notice>
        <Button onClick={() => setAttempt((n) => n + 1)}>{common[lang].retry}</Button>
      </div>
    );
  }
  if (session.kind === 'signed-out') {
    return (
      <>
        <div class="sign-in-lang">{languageSwitch}</div>
        <SignInPage api={api} lang={lang} reason={session.expired ? 'expired' : null} onSignedIn={(user) => setSession({ kind: 'signed-in', user })} />
        <Toasts closeLabel={common[lang].close} />
      </>
    );
  }

  const user = session.user;
  const visible = routesFor(user.role, routes);
  const current = visible.find((r) => r.path === location_.path);
  const hidden = !current && routes.some((r) => r.path === location_.path);
  const readOnly = user.role !== ROLE_ADMIN;
  const Page = current?.component;

  const signOut = async () => {
    try {
      await api.signOut();
    } finally {
      setSession({ kind: 'signed-out', expired: false });
    }
  };

  return (
    <div class="shell">
      <a class="skip-link" href="#main">
        {t.skip}
      </a>
      <header class="topbar">
        <a class="topbar-brand" href="#/">
          {t.product}
        </a>
        <span class="topbar-instance">
          {t.instance} <span class="mono">{user.sdkAppId}</span>
        </span>
        <span class="topbar-spacer" />
        <span class="topbar-user" title={user.mail}>
          {user.name || user.mail}
          <span class={`role-badge role-${user.role === ROLE_ADMIN ? 'admin' : 'qa'}`}>{user.role === ROLE_ADMIN ? t.roleAdmin : t.roleQa}</span>
        </span>
        {languageSwitch}
        <Button variant="text" onClick={() => void signOut()}>
          {t.signOut}
        </Button>
      </header>
      <nav class="sidenav" aria-label={t.navigation}>
        <ul>
          {visible.map((route) => (
            <li key={route.path}>
              <a href={route.path} aria-current={route === current ? 'page' : undefined}>
                {route.label[lang]}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" class="content" tabIndex={-1}>
        {Page ? (
          <Page key={current.path} api={api} user={user} lang={lang} readOnly={readOnly} />
        ) : (
          <div class="page">
            <Notice kind="warning">{hidden ? t.adminOnly : t.notFound}</Notice>
            <p>
              <a href="#/">{t.backHome}</a>
            </p>
          </div>
        )}
      </main>
      <Toasts closeLabel={common[lang].close} />
    </div>
  );
}
