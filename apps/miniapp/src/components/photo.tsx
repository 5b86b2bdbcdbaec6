import Taro from '@tarojs/taro';
import { Image, View } from '@tarojs/components';
import { useEffect, useState } from 'react';
import { downloadPhoto } from '../services/api';
import './photo.scss';
import { Tap } from './tap';

/** A photo from the API (it needs the person's token, so it is fetched, then shown). */
export function Photo({ id }: { id: string }) {
  const [src, setSrc] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let alive = true;
    downloadPhoto(id).then(
      (path) => alive && setSrc(path),
      () => alive && setFailed(true),
    );
    return () => {
      alive = false;
    };
  }, [id]);
  if (failed) return <View className='muted'>照片加载失败</View>;
  if (!src) return <View className='muted'>照片加载中…</View>;
  return (
    <Tap className='photo-tap' onTap={() => Taro.previewImage({ urls: [src] })} label='查看照片'>
      <Image className='photo' src={src} mode='aspectFill' />
    </Tap>
  );
}
