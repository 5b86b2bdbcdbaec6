import Taro, { useDidShow } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { useState } from 'react';
import type { Contacts, Ticket } from '@minhu/contracts';
import { api } from '../services/api';
import { pendingSubmissions } from '../services/outbox';
import { useApp } from '../store';
import { ROUTES } from '../routes';
import { DistributionLine } from './distribution-line';
import { TicketCard } from './ticket-card';
import { Notice } from './notice';
import './resident-home.scss';
import { Tap } from './tap';

const TILES = [
  { category: 'medicine', icon: '💊', name: '购药', hint: '代购药品、配药' },
  { category: 'supplies', icon: '🛒', name: '生活物资', hint: '米面粮油、日用品' },
  { category: 'medical', icon: '🏥', name: '就医', hint: '看病、透析、转诊' },
  { category: 'help', icon: '🤝', name: '其他求助', hint: '帮扶、代办、维修' },
] as const;

const call = (phone: string | null | undefined) => phone && Taro.makePhoneCall({ phoneNumber: phone });

/** The resident's home: who looks after them, four big needs, the green channel, latest requests. */
export function ResidentHome() {
  const { me } = useApp();
  const [contacts, setContacts] = useState<Contacts | null>(null);
  const [latest, setLatest] = useState<Ticket[]>([]);
  const [pending, setPending] = useState(0);

  useDidShow(() => {
    setPending(pendingSubmissions().length);
    api.getContacts().then(setContacts, () => undefined);
    api.listTickets({ query: { scope: 'filed', limit: 2 } }).then((r) => setLatest(r.items), () => undefined);
  });

  const helper = contacts?.responsible ?? contacts?.leader ?? null;
  const open = (category: string, urgency = 'normal') => Taro.navigateTo({ url: `${ROUTES.newTicket}?category=${category}&urgency=${urgency}` });

  return (
    <View>
      <View className='home-band'>
        {me?.home ? (
          <View className='place'>🏠 {me.home.address}</View>
        ) : (
          <Tap className='place set-home' onTap={() => Taro.navigateTo({ url: ROUTES.profile })}>
            🏠 点此填写住址，求助更快送到
          </Tap>
        )}
        {contacts?.team && <View className='helper'>{contacts.team.name}</View>}
        {helper && (
          <View className='row'>
            <View className='helper'>
              {contacts?.responsible ? '包保队员' : '队长'}：{helper.name}
            </View>
            <Tap className='btn small call' onTap={() => call(helper.phone)}>
              📞 打电话
            </Tap>
          </View>
        )}
      </View>
      <View className='tiles'>
        {TILES.map((t) => (
          <Tap key={t.category} className='tile' onTap={() => open(t.category)} data-testid={`tile-${t.category}`}>
            <View className='icon'>{t.icon}</View>
            <View className='name'>{t.name}</View>
            <View className='hint'>{t.hint}</View>
          </Tap>
        ))}
      </View>
      <Tap className='sos' onTap={() => open('medical', 'emergency')} data-testid='sos'>
        🚨 紧急求助
        <View className='hint'>突发疾病、危及安全，服务队长和书记立即收到</View>
      </Tap>
      {helper && (
        <View className='section'>
          <Tap className='btn block danger' onTap={() => call(helper.phone)}>
            📞 紧急情况直接打给 {helper.name}
          </Tap>
        </View>
      )}
      <DistributionLine />
      {pending > 0 && <Notice>有 {pending} 条求助因网络问题尚未送达，联网后会自动提交，不会重复。</Notice>}
      <View className='section-title'>
        <Text>我的求助</Text>
        <Tap inline className='more' onTap={() => Taro.switchTab({ url: ROUTES.requests })}>
          全部 ›
        </Tap>
      </View>
      {latest.length === 0 ? (
        <View className='empty'>还没有求助。需要帮助时，点上面的按钮。</View>
      ) : (
        latest.map((t) => <TicketCard key={t.id} ticket={t} />)
      )}
    </View>
  );
}
