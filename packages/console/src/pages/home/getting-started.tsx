import { dictionary } from '../../i18n.js';
import type { PageProps } from '../../routes.js';

const text = dictionary(
  {
    title: '快速开始',
    lead: '从零到第一通电话：',
    step1: '创建坐席',
    step1Body: '在员工管理中新建一名坐席（角色为坐席），并把它加入一个技能组。',
    step1Link: '打开员工管理',
    step2: '生成登录令牌',
    step2Body: '在 API Explorer 中调用 CreateSDKLoginToken，为该坐席生成令牌和 SdkURL。',
    step2Link: '打开 API Explorer',
    step3: '打开 SDK 测试页',
    step3Body: '在 API Explorer 中用令牌打开 SDK 测试页，坐席工作台登录后把状态设为空闲。',
    step3Link: '打开 SDK 测试页',
    step4: '拨打热线',
    step4Body: '在虚拟电话中拨打实例的热线号码，来电会分配给空闲的坐席。',
    step4Link: '打开虚拟电话',
    step5: '查看实时看板',
    step5Body: '在实时看板上看到排队、振铃和通话中的来电。',
    step5Link: '打开实时看板',
    instance: '当前实例 SdkAppId',
    readOnly: '您以质检员身份登录：可以查看所有页面，但不能修改。',
  },
  {
    title: 'Getting started',
    lead: 'From nothing to your first call:',
    step1: 'Create an agent',
    step1Body: 'On the Staff page, add a staff member with the agent role and put them in a skill group.',
    step1Link: 'Open Staff',
    step2: 'Mint a login token',
    step2Body: 'In the API Explorer, call CreateSDKLoginToken for the agent to get a token and the SdkURL.',
    step2Link: 'Open the API Explorer',
    step3: 'Open the SDK test page',
    step3Body: 'From the API Explorer, open the SDK test page with the token; the agent workbench signs in, then set the status to free.',
    step3Link: 'Open the SDK test page',
    step4: 'Call the hotline',
    step4Body: "From the virtual phone, call the instance's hotline; the call goes to the free agent.",
    step4Link: 'Open the phone',
    step5: 'Watch the dashboard',
    step5Body: 'The live dashboard shows the call queued, ringing and answered.',
    step5Link: 'Open the dashboard',
    instance: "This instance's SdkAppId",
    readOnly: 'You are signed in as QA staff: you can view every page but not change anything.',
  },
);

/** The landing page after sign-in: the steps from nothing to a first call. */
export function GettingStarted({ user, lang, readOnly }: PageProps) {
  const t = text[lang];
  const steps = [
    { title: t.step1, body: t.step1Body, href: '#/staff', link: t.step1Link },
    { title: t.step2, body: t.step2Body, href: '#/explorer', link: t.step2Link },
    { title: t.step3, body: t.step3Body, href: '#/explorer', link: t.step3Link },
    { title: t.step4, body: t.step4Body, href: '/phone', link: t.step4Link },
    { title: t.step5, body: t.step5Body, href: '#/dashboard', link: t.step5Link },
  ];
  return (
    <section class="page" aria-labelledby="home-title">
      <header class="page-header">
        <h1 id="home-title">{t.title}</h1>
        <p class="page-lead">
          {t.instance}: <span class="mono">{user.sdkAppId}</span>
        </p>
      </header>
      {readOnly ? <p class="notice notice-info">{t.readOnly}</p> : null}
      <p>{t.lead}</p>
      <ol class="steps">
        {steps.map((step, index) => (
          <li key={step.href} class="step card">
            <span class="step-number" aria-hidden="true">
              {index + 1}
            </span>
            <div>
              <h2>{step.title}</h2>
              <p>{step.body}</p>
              <a href={step.href} {...(step.href.startsWith('/') ? { target: '_blank', rel: 'noopener' } : {})}>
                {step.link} →
              </a>
            </div>
          </li>
        ))}
      </ol>
    </section>
  );
}
