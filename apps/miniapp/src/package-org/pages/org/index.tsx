import Taro, { useRouter } from '@tarojs/taro';
import { Input, Text, View } from '@tarojs/components';
import { useCallback, useEffect, useState } from 'react';
import { CATEGORIES, CATEGORY_LABELS, CONTROL_LEVELS, CONTROL_LEVEL_LABELS, SPECIAL_TAG_LABELS, type Category, type CompoundType, type ControlLevel } from '@minhu/domain';
import { api, ApiError, messageOf, urlOf } from '../../../services/api';
import { Notice } from '../../../components/notice';
import { Page } from '../../../components/page';
import { useApp } from '../../../store';
import { ROUTES } from '../../../routes';
import { areaKindLabel, controlLevelConsequence, isContactPhone, teamKind } from '../../format';
import type { AreaDetail, AreaItem as AreaSummary, TeamItem as TeamSummary } from '@minhu/contracts';
import { useOnVisit, useVisits } from '../../visits';
import { SomeOf } from '../../../components/choices';
import '../../org.scss';
import './index.scss';
import { Tap } from '../../../components/tap';

/**
 * 组织管理: a secretary's areas (an admin's from the top of the tree), each with its control
 * level, its service teams, what is below it, and who is not yet looked after (包保).
 * `?areaId=` opens one area; without it, the person's starting areas.
 */
export default function Org() {
  const { areaId, type } = useRouter().params;
  const { me } = useApp();
  const isAdmin = me?.roles.includes('admin') ?? false;
  const [roots, setRoots] = useState<{ id: string; name: string; kind: AreaSummary['kind'] }[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const visits = useVisits();

  useEffect(() => {
    if (areaId || !me) return;
    const own = me.areas.map((a) => ({ id: a.id, name: a.name, kind: a.kind }));
    if (!isAdmin) return setRoots(own);
    api.listAreas().then(
      (r) => setRoots([...r.items, ...own.filter((a) => !r.items.some((i) => i.id === a.id))]),
      (e: unknown) => setError(messageOf(e)),
    );
  }, [areaId, me, isAdmin]);

  if (areaId) {
    return (
      <Page>
        <AreaScreen id={areaId} visits={visits} compoundType={(type as CompoundType | undefined) ?? null} />
      </Page>
    );
  }
  return (
    <Page>
      {error && <Notice kind='error'>{error}</Notice>}
      {roots?.length === 0 && <View className='empty'>您还没有负责的区域。书记由管理员在组织台账中设置。</View>}
      {roots?.length === 1 ? (
        <AreaScreen id={roots[0]!.id} visits={visits} compoundType={null} />
      ) : (
        roots && roots.length > 1 && (
          <View>
            <View className='section-title'>我负责的区域</View>
            {roots.map((a) => (
              <Tap key={a.id} className='list-item' onTap={() => Taro.navigateTo({ url: `${ROUTES.org}?areaId=${a.id}` })} data-testid='root-area'>
                <Text>{a.name}</Text>
                <Text className='muted'>{areaKindLabel(a.kind)} ›</Text>
              </Tap>
            ))}
          </View>
        )
      )}
      {isAdmin && <AdminNotes />}
    </Page>
  );
}

/** Only admins: where the ledger import lives (a computer's job), and the audit log. */
function AdminNotes() {
  const template = urlOf('getLedgerTemplate', {});
  const full = template.startsWith('http') || typeof location === 'undefined' ? template : `${location.origin}${template}`;
  return (
    <View>
      <View className='section-title'>批量导入组织台账</View>
      <View className='card' data-testid='import-help'>
        <View>区域、服务队、队员、人员、书记和包保关系可以用 Excel 台账一次导入。导入请在电脑上进行，小程序里不能导入：</View>
        <View className='gap'>1. 下载模板（中文表头，含示例）：</View>
        <View className='muted break'>{full}</View>
        <View className='gap'>2. 填好后在服务器上运行：</View>
        <View className='muted break'>npm run org:import -- 台账.xlsx --dry-run（先检查）</View>
        <View className='muted break'>npm run org:import -- 台账.xlsx（正式导入）</View>
        <View className='gap muted'>也可以通过接口上传（接口文档中的 importOrganisation）。台账有任何问题时整体不导入，并逐行说明问题。</View>
        <Tap className='btn small block gap' onTap={() => void Taro.setClipboardData({ data: full })}>
          复制模板下载地址
        </Tap>
      </View>
      <Tap className='list-item' onTap={() => Taro.navigateTo({ url: ROUTES.audit })}>
        <Text>📋 操作记录</Text>
        <Text className='muted'>›</Text>
      </Tap>
    </View>
  );
}

/** One area: control level, teams, coverage, what is below. */
function AreaScreen({ id, visits, compoundType }: { id: string; visits: number; compoundType: CompoundType | null }) {
  const [detail, setDetail] = useState<AreaDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [levelOpen, setLevelOpen] = useState(false);
  const [levelError, setLevelError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [newTeam, setNewTeam] = useState(false);

  const load = useCallback(async () => {
    try {
      const next = await api.getArea({ params: { id } });
      setDetail(next);
      setError(null);
      void Taro.setNavigationBarTitle({ title: next.area.name });
    } catch (e) {
      setError(e instanceof ApiError && e.status === 404 ? '没有找到这个区域，或它不在您负责的范围内。' : messageOf(e));
    }
  }, [id]);
  useOnVisit(visits, load);

  const changeLevel = async (to: ControlLevel) => {
    if (!detail || busy) return;
    const { area } = detail;
    if (to === area.controlLevel) return setLevelOpen(false);
    const { confirm } = await Taro.showModal({
      title: `设为${CONTROL_LEVEL_LABELS[to]}？`,
      content: controlLevelConsequence(area.name, area.controlLevel, to),
      confirmText: '确定',
      confirmColor: '#C8161D',
    });
    if (!confirm) return;
    setBusy(true);
    setLevelError(null);
    try {
      await api.setControlLevel({ params: { id: area.id }, body: { controlLevel: to } });
      Taro.showToast({ title: `已设为${CONTROL_LEVEL_LABELS[to]}`, icon: 'success' });
      setLevelOpen(false);
      await load();
    } catch (e) {
      setLevelError(`没有改成：${messageOf(e)}`);
    } finally {
      setBusy(false);
    }
  };

  if (!detail) {
    return error ? <Notice kind='error'>{error}</Notice> : <View className='empty'>加载中…</View>;
  }
  const { area, children, teams, coverage } = detail;
  return (
    <View>
      {error && <Notice kind='error'>{error}</Notice>}
      <View className='card mt-16' data-testid='area-card'>
        <View className='row'>
          <View className='grow'>
            <View className='title-lg'>{area.name}</View>
            <Text className='muted'>{areaKindLabel(area.kind, compoundType)}</Text>
          </View>
          <Text className={`badge level-${area.controlLevel}`} data-testid='control-level'>
            {CONTROL_LEVEL_LABELS[area.controlLevel]}
          </Text>
        </View>
        {!levelOpen ? (
          <Tap className='btn small block gap' onTap={() => setLevelOpen(true)} data-testid='change-level'>
            调整管控级别
          </Tap>
        ) : (
          <View className='gap'>
            <View className='muted'>选择新的管控级别。各级别的签收、办结时限由管理员设定，封控区、管控区一般更紧；只影响此后提交的求助。</View>
            <View className='choice-row gap'>
              {CONTROL_LEVELS.map((level) => (
                <Tap
                  key={level}
                  className={`choice ${level === area.controlLevel ? 'on' : ''}`}
                  onTap={() => void changeLevel(level)}
                  data-level={level}
                >
                  {level === area.controlLevel ? '✓ ' : ''}
                  {CONTROL_LEVEL_LABELS[level]}
                </Tap>
              ))}
            </View>
            <Tap className='btn small block gap' onTap={() => setLevelOpen(false)}>
              不改了
            </Tap>
          </View>
        )}
        {levelError && <Notice kind='error'>{levelError}</Notice>}
      </View>

      <View className='section-title'>
        <Text>服务队</Text>
        {!newTeam && (
          <Tap inline className='more' onTap={() => setNewTeam(true)} data-testid='new-team'>
            ＋ 新建服务队
          </Tap>
        )}
      </View>
      {newTeam && <NewTeamForm areaId={area.id} areaName={area.name} onCancel={() => setNewTeam(false)} />}
      {teams.length === 0 && !newTeam && (
        <View className='card muted'>
          {area.kind === 'compound'
            ? '这里还没有服务队。每个小区、城中村、重点村应有一支民呼我行党员服务队，点“新建服务队”建立。'
            : '这一级没有直属的服务队，服务队在下级小区里。'}
        </View>
      )}
      {teams.map((t) => (
        <TeamCard key={t.id} team={t} />
      ))}

      <View className='section-title'>包保覆盖</View>
      <View data-testid='coverage'>
        <View className='counters flush'>
          <View className='counter'>
            <View className={`n ${coverage.uncoveredUnits ? 'late' : ''}`}>{coverage.uncoveredUnits}</View>
            <Text>个单元无人包保</Text>
          </View>
          <View className='counter'>
            <View className={`n ${coverage.uncoveredPeople ? 'late' : ''}`}>{coverage.uncoveredPeople}</View>
            <Text>位重点人员无人包保</Text>
          </View>
        </View>
        {coverage.uncoveredUnits === 0 && coverage.uncoveredPeople === 0 ? (
          <Notice kind='ok'>✓ 这里的单元和重点人员都已安排包保队员。</Notice>
        ) : (
          <View className='gap'>
            {coverage.people.length > 0 && (
              <View className='card'>
                <View className='strong'>无人包保的重点人员（优先安排）</View>
                {coverage.people.map((p) => (
                  <View key={p.id} className='group-item' data-testid='uncovered-person'>
                    <View className='grow'>
                      <Text>{p.name}</Text>
                      <Text className='muted'> {p.home ?? ''}</Text>
                    </View>
                    <View className='badges'>
                      {p.tags.map((t) => (
                        <Text key={t} className='badge urgent'>
                          {SPECIAL_TAG_LABELS[t]}
                        </Text>
                      ))}
                    </View>
                  </View>
                ))}
                {coverage.uncoveredPeople > coverage.people.length && <View className='muted'>只列出前 {coverage.people.length} 位。</View>}
              </View>
            )}
            {coverage.units.length > 0 && (
              <View className='card'>
                <View className='strong'>无人包保的单元</View>
                <View className='chips'>
                  {coverage.units.map((u) => (
                    <Text key={u.id} className='chip' data-testid='uncovered-unit'>
                      {u.name}
                    </Text>
                  ))}
                </View>
                {coverage.uncoveredUnits > coverage.units.length && <View className='muted'>只列出前 {coverage.units.length} 个。</View>}
              </View>
            )}
            <View className='section muted'>在下级小区的服务队里“安排包保”，为他们指定负责的队员。</View>
          </View>
        )}
      </View>

      {children.length > 0 && (
        <View>
          <View className='section-title'>下级区域</View>
          {children.map((c) => (
            <Tap
              key={c.id}
              className='list-item'
              onTap={() => Taro.navigateTo({ url: `${ROUTES.org}?areaId=${c.id}${c.compoundType ? `&type=${c.compoundType}` : ''}` })}
              data-testid='child-area'
              data-name={c.name}
            >
              <Text>
                {c.name}
                <Text className='muted'> {areaKindLabel(c.kind, c.compoundType)}</Text>
              </Text>
              <View className='row'>
                {c.controlLevel !== 'none' && <Text className={`badge level-${c.controlLevel}`}>{CONTROL_LEVEL_LABELS[c.controlLevel]}</Text>}
                <Text className='muted'>›</Text>
              </View>
            </Tap>
          ))}
        </View>
      )}
    </View>
  );
}

function TeamCard({ team }: { team: TeamSummary }) {
  return (
    <Tap className='card' onTap={() => Taro.navigateTo({ url: `${ROUTES.teamAdmin}?teamId=${team.id}` })} data-testid='team-row'>
      <View className='row'>
        <Text className='strong grow'>{team.name}</Text>
        <Text className='link'>管理 ›</Text>
      </View>
      <Text className='muted'>
        {teamKind(team.categories)}
        {team.phone ? ` · ☎ ${team.phone}` : ''}
      </Text>
    </Tap>
  );
}

function NewTeamForm({ areaId, areaName, onCancel }: { areaId: string; areaName: string; onCancel: () => void }) {
  const [name, setName] = useState(`${areaName}民呼我行党员服务队`);
  const [categories, setCategories] = useState<Category[]>([]);
  const [phone, setPhone] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const save = async () => {
    if (!name.trim()) return setError('请填写服务队名称。');
    if (phone.trim() && !isContactPhone(phone.trim())) return setError('电话请填手机号或带区号的固定电话，如 0311-86010001。');
    setSaving(true);
    setError(null);
    try {
      const team = await api.createTeam({ body: { name: name.trim(), areaId, categories, ...(phone.trim() ? { phone: phone.trim() } : {}) } });
      Taro.showToast({ title: '已新建服务队', icon: 'success' });
      onCancel();
      Taro.navigateTo({ url: `${ROUTES.teamAdmin}?teamId=${team.id}&created=1` });
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setSaving(false);
    }
  };

  return (
    <View className='card' data-testid='new-team-form'>
      <View className='field'>
        <View className='label'>
          名称 <Text className='required'>*</Text>
        </View>
        <Input nativeProps={{ 'aria-label': '服务队名称' }} className='input' value={name} maxlength={50} onInput={(e) => setName(e.detail.value)} data-testid='team-name' />
      </View>
      <View className='field'>
        <View className='label'>负责类别（都不选为综合服务队，什么需求都接）</View>
        <SomeOf options={CATEGORIES} labels={CATEGORY_LABELS} value={categories} onChange={setCategories} />
      </View>
      <View className='field'>
        <View className='label'>服务电话（选填）</View>
        <Input nativeProps={{ 'aria-label': '服务电话（选填）' }} className='input' value={phone} maxlength={20} placeholder='如 0311-86010001' onInput={(e) => setPhone(e.detail.value)} />
      </View>
      {error && <Notice kind='error'>{error}</Notice>}
      <View className='btn-row'>
        <Tap className='btn' onTap={onCancel}>
          取消
        </Tap>
        <Tap className={`btn primary ${saving ? 'disabled' : ''}`} onTap={() => !saving && void save()} data-testid='save-team'>
          {saving ? '保存中…' : '建立服务队'}
        </Tap>
      </View>
    </View>
  );
}
