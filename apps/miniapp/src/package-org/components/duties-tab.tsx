import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { useCallback, useEffect, useState } from 'react';
import { SPECIAL_TAG_LABELS } from '@minhu/domain';
import { api, ApiError, messageOf } from '../../services/api';
import { Notice } from '../../components/notice';
import { useApp } from '../../store';
import type { AreaDetail, Responsibility, TeamMemberRow, TeamItem as TeamSummary } from '@minhu/contracts';
import { AreaDrill, type PickedArea } from './area-drill';
import '../org.scss';
import './duties-tab.scss';
import { Tap } from '../../components/tap';

/**
 * 包保: who looks after which building, unit, household or special person ("一对一、点对点").
 * A need from there goes to that member first.
 */
export function DutiesTab({ team, members }: { team: TeamSummary; members: TeamMemberRow[] }) {
  const [items, setItems] = useState<Responsibility[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);

  const load = useCallback(async () => {
    try {
      setItems((await api.listResponsibilities({ params: { id: team.id } })).items);
      setError(null);
    } catch (e) {
      setError(messageOf(e));
    }
  }, [team.id]);
  useEffect(() => void load(), [load]);

  const remove = async (r: Responsibility) => {
    const { confirm } = await Taro.showModal({
      title: '取消包保？',
      content: `${r.memberName}将不再负责“${r.target.name}”。那里的求助会交给服务队。`,
      confirmText: '取消包保',
      cancelText: '不取消',
    });
    if (!confirm) return;
    try {
      await api.removeResponsibility({ params: { id: r.id } });
      Taro.showToast({ title: '已取消包保', icon: 'success' });
      await load();
    } catch (e) {
      setError(messageOf(e));
    }
  };

  const active = members.filter((m) => m.active);
  return (
    <View>
      {!adding ? (
        <View className='section'>
          <Tap className='btn block' onTap={() => setAdding(true)} data-testid='add-duty'>
            ＋ 安排包保
          </Tap>
        </View>
      ) : (
        <AssignForm
          team={team}
          members={active}
          onDone={async (added) => {
            setAdding(false);
            if (added) await load();
          }}
        />
      )}
      {error && <Notice kind='error'>{error}</Notice>}
      {items === null && !error && <View className='empty'>加载中…</View>}
      {items && (
        <View>
          <View className='section-title'>包保关系（{items.length} 项）</View>
          {active.map((m) => {
            const own = items.filter((r) => r.memberId === m.id);
            return (
              <View key={m.id} className='card' data-testid='duty-group' data-name={m.name}>
                <View className='strong'>{m.name}</View>
                {own.length === 0 && <View className='muted'>暂无包保</View>}
                {own.map((r) => (
                  <View key={r.id} className='group-item' data-testid='duty' data-target={r.target.name}>
                    <Text>
                      {r.target.kind === 'area' ? '🏠 ' : '👤 '}
                      {r.target.name}
                    </Text>
                    <Tap className='btn small' onTap={() => void remove(r)} data-testid='remove-duty'>
                      取消包保
                    </Tap>
                  </View>
                ))}
              </View>
            );
          })}
          {/* Responsibilities of members who have left the team: shown so they can be removed. */}
          {items
            .filter((r) => !active.some((m) => m.id === r.memberId))
            .map((r) => (
              <View key={r.id} className='card row'>
                <Text className='grow'>
                  {r.memberName}（已离队）→ {r.target.name}
                </Text>
                <Tap className='btn small' onTap={() => void remove(r)}>
                  取消包保
                </Tap>
              </View>
            ))}
        </View>
      )}
    </View>
  );
}

const COVERAGE_NOTE = '未包保的重点人员名单只有社区书记和管理员能看到。请联系书记安排，或按其住址（楼栋、单元、户）安排包保。';

type Target = { kind: 'area'; area: PickedArea } | { kind: 'person'; id: string; name: string };

function AssignForm({ team, members, onDone }: { team: TeamSummary; members: TeamMemberRow[]; onDone: (added: boolean) => Promise<void> }) {
  const { me } = useApp();
  const canSeeCoverage = Boolean(me?.roles.includes('admin') || me?.roles.includes('secretary'));
  const [memberId, setMemberId] = useState<string | null>(null);
  const [kind, setKind] = useState<'area' | 'person'>('area');
  const [target, setTarget] = useState<Target | null>(null);
  const [people, setPeople] = useState<AreaDetail['coverage']['people'] | null>(null);
  const [peopleNote, setPeopleNote] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    if (kind !== 'person' || people || peopleNote) return;
    // The list of people nobody looks after comes with the area's coverage, which only
    // secretaries and admins may see.
    if (!canSeeCoverage) return setPeopleNote(COVERAGE_NOTE);
    api.getArea({ params: { id: team.areaId } }).then(
      (d) => setPeople(d.coverage.people),
      (e: unknown) =>
        setPeopleNote(
          e instanceof ApiError && e.status === 404 ? COVERAGE_NOTE : messageOf(e),
        ),
    );
  }, [kind, people, peopleNote, team.areaId, canSeeCoverage]);

  const member = members.find((m) => m.id === memberId);
  const targetName = target ? (target.kind === 'area' ? target.area.label : target.name) : '';
  const save = async () => {
    if (!member) return setError('请先选择队员。');
    if (!target) return setError('请选择要包保的楼栋、单元、户或重点人员。');
    setSaving(true);
    setError(null);
    try {
      await api.addResponsibility({
        body: { teamId: team.id, memberId: member.id, ...(target.kind === 'area' ? { areaId: target.area.id } : { personId: target.id }) },
      });
      Taro.showToast({ title: '已安排包保', icon: 'success' });
      await onDone(true);
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setSaving(false);
    }
  };

  return (
    <View className='card mt-16' data-testid='assign-form'>
      <View className='title-lg mb-16'>安排包保</View>
      <View className='field'>
        <View className='label'>1. 哪位队员负责</View>
        <View className='choice-row'>
          {members.map((m) => (
            <Tap key={m.id} className={`choice ${memberId === m.id ? 'on' : ''}`} onTap={() => setMemberId(m.id)} data-member={m.name}>
              {memberId === m.id ? '✓ ' : ''}
              {m.name}
            </Tap>
          ))}
        </View>
      </View>
      <View className='field'>
        <View className='label'>2. 负责哪里或哪位</View>
        <View className='choice-row'>
          <Tap className={`choice ${kind === 'area' ? 'on' : ''}`} onTap={() => {
              setKind('area');
              setTarget(null);
            }}>
            楼栋 / 单元 / 户
          </Tap>
          <Tap className={`choice ${kind === 'person' ? 'on' : ''}`} onTap={() => {
              setKind('person');
              setTarget(null);
            }} data-testid='target-person'>
            重点人员
          </Tap>
        </View>
      </View>
      {target ? (
        <View className='row assign-target'>
          <Text className='grow strong' data-testid='picked-target'>
            已选：{targetName}
          </Text>
          <Tap className='btn small' onTap={() => setTarget(null)}>
            重新选择
          </Tap>
        </View>
      ) : kind === 'area' ? (
        <View className='assign-target'>
          <AreaDrill rootId={team.areaId} rootName={team.areaName} onPick={(area) => setTarget({ kind: 'area', area })} />
        </View>
      ) : (
        <View className='assign-target'>
          {peopleNote && <View className='muted'>{peopleNote}</View>}
          {!peopleNote && people === null && <View className='empty'>加载中…</View>}
          {people?.length === 0 && <View className='muted'>这里的重点人员都已有包保队员。</View>}
          {people && people.length > 0 && <View className='muted'>尚无人包保的重点人员：</View>}
          {people?.map((p) => (
            <Tap key={p.id} className='group-item' onTap={() => setTarget({ kind: 'person', id: p.id, name: p.name })} data-testid='person-option'>
              <Text>
                {p.name}
                <Text className='muted'>
                  {' '}
                  {p.tags.map((t) => SPECIAL_TAG_LABELS[t]).join('、')} {p.home ?? ''}
                </Text>
              </Text>
              <Text className='link'>选择</Text>
            </Tap>
          ))}
        </View>
      )}
      {member && target && (
        <Notice>
          由 {member.name} 包保“{targetName}”：那里的求助先派给{member.name}，服务队兜底。
        </Notice>
      )}
      {error && <Notice kind='error'>{error}</Notice>}
      <View className='btn-row'>
        <Tap className='btn' onTap={() => void onDone(false)}>
          取消
        </Tap>
        <Tap className={`btn primary ${saving || !member || !target ? 'disabled' : ''}`} onTap={() => !saving && void save()} data-testid='save-duty'>
          {saving ? '保存中…' : '确定安排'}
        </Tap>
      </View>
    </View>
  );
}
