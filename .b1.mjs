import sharp from 'sharp';
import zlib from 'node:zlib';
const W=84,H=108;
const raw = Buffer.alloc(W*H*3);
for (let y=0;y<H;y++) for (let x=0;x<W;x++){const o=(y*W+x)*3; raw[o]=(x*3+y)&255; raw[o+1]=(y*2)&255; raw[o+2]=((x*y)>>3)&255; if(Math.random()<0.3) raw[o]^=Math.random()*40|0;}
const png = await sharp(raw,{raw:{width:W,height:H,channels:3}}).png().toBuffer();
console.log('png bytes', png.length, 'zlib.crc32', typeof zlib.crc32);
for (const conc of [1,0]) {
  if (conc) sharp.concurrency(conc); else sharp.concurrency(4);
  sharp.cache(false);
  for (const inflight of [1,4,8,16]) {
    const N=3000; let t=process.hrtime.bigint();
    let i=0; const workers=[];
    for (let w=0; w<inflight; w++) workers.push((async()=>{ while(i<N){i++; await sharp(png,{ignoreIcc:true}).raw().toBuffer({resolveWithObject:true});}})());
    await Promise.all(workers);
    const s=Number(process.hrtime.bigint()-t)/1e9;
    console.log('conc',sharp.concurrency(),'inflight',inflight,'decode/s',(N/s).toFixed(0));
  }
  for (const inflight of [8]) {
    const N=2000; let t=process.hrtime.bigint();
    let i=0; const workers=[];
    for (let w=0; w<inflight; w++) workers.push((async()=>{ while(i<N){i++; await sharp(raw,{raw:{width:W,height:H,channels:3}}).png().toBuffer();}})());
    await Promise.all(workers);
    const s=Number(process.hrtime.bigint()-t)/1e9;
    console.log('conc',sharp.concurrency(),'inflight',inflight,'encode/s',(N/s).toFixed(0));
  }
}
