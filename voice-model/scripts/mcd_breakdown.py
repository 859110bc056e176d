#!/usr/bin/env python3
# Per-coefficient breakdown of the clone report's MCD (c1..c13 over a DTW path) for rendering directories beside ref/.
# An approximation in numpy of speech-tools' MelCepstrum (40 mel bands to 8 kHz, frames 40 dB under the loudest trimmed
# at the ends): within 0.05 dB of the harness here. Usage: mcd_breakdown.py RUN_DIR CONDITION...  (sox on the PATH)
import sys, os, subprocess, numpy as np
RATE=16000; NFFT=512; WIN=400; HOP=160; NMELS=40; ORDER=13
def load(path):
    out=subprocess.run(['sox',path,'-t','raw','-r','16000','-c','1','-b','16','-e','signed-integer','-'],capture_output=True,check=True).stdout
    return np.frombuffer(out,dtype=np.int16).astype(np.float64)/32768
def melfb():
    hz2mel=lambda f:2595*np.log10(1+f/700); mel2hz=lambda m:700*(10**(m/2595)-1)
    pts=mel2hz(np.linspace(hz2mel(0),hz2mel(8000),NMELS+2)); freqs=np.linspace(0,8000,NFFT//2+1)
    fb=np.zeros((NMELS,NFFT//2+1))
    for k in range(NMELS):
        l,c,r=pts[k],pts[k+1],pts[k+2]
        fb[k]=np.clip(np.minimum((freqs-l)/(c-l),(r-freqs)/(r-c)),0,None)
    return fb
FB=melfb(); win=np.hanning(WIN+1)[:-1]
D=np.array([[np.cos(np.pi*d*(k+0.5)/NMELS) for k in range(NMELS)] for d in range(ORDER+1)])
def ceps(x):
    x=np.pad(x,(NFFT//2,NFFT//2),mode='reflect'); n=1+(len(x)-NFFT)//HOP
    frames=np.stack([x[i*HOP:i*HOP+NFFT] for i in range(n)])
    w=np.zeros(NFFT); w[(NFFT-WIN)//2:(NFFT-WIN)//2+WIN]=win
    p=np.abs(np.fft.rfft(frames*w,axis=1))**2
    e=10*np.log10(p.sum(1)+1e-12); keep=e>e.max()-40
    idx=np.where(keep)[0]; p=p[idx[0]:idx[-1]+1]
    la=0.5*np.log(np.maximum(p@FB.T,1e-10))
    return la@D.T/NMELS
def dtw(a,b):
    cost=np.sqrt(2*((a[:,None,1:]-b[None,:,1:])**2).sum(-1))
    n,m=cost.shape; acc=np.full((n+1,m+1),np.inf); acc[0,0]=0
    for i in range(1,n+1):
        row=acc[i]; prev=acc[i-1]; c=cost[i-1]
        for j in range(1,m+1):
            row[j]=c[j-1]+min(prev[j],prev[j-1],row[j-1])
    i,j=n,m; path=[]
    while i>0 and j>0:
        path.append((i-1,j-1))
        k=np.argmin([acc[i-1,j-1],acc[i-1,j],acc[i,j-1]])
        if k==0: i,j=i-1,j-1
        elif k==1: i-=1
        else: j-=1
    return path[::-1]
run=sys.argv[1]; conds=sys.argv[2:]
ref=os.path.join(run,'ref')
items=sorted(f for f in os.listdir(ref) if f.endswith('.wav'))
K=10/np.log(10)
for cond in conds:
    sq=np.zeros(ORDER+1); mean_diff=np.zeros(ORDER+1); n=0; mcds=[]
    for f in items:
        p=os.path.join(run,cond,f)
        if not os.path.exists(p): continue
        a=ceps(load(p)); b=ceps(load(os.path.join(ref,f)))
        path=dtw(a,b)
        d=np.array([a[i]-b[j] for i,j in path])
        sq+=(d**2).sum(0); mean_diff+=d.sum(0); n+=len(path)
        mcds.append(np.mean(K*np.sqrt(2*(d[:,1:]**2).sum(1))))
    share=sq[1:]/sq[1:].sum()
    print(f"{cond:10s} items {len(mcds)} MCD {np.mean(mcds):.2f} | share of sq diff c1..c13: "+" ".join(f"{s*100:.0f}" for s in share))
    print(f"{'':10s} rms per coef: "+" ".join(f"{np.sqrt(v/n):.3f}" for v in sq[1:])+" | mean diff c1..c4: "+" ".join(f"{v/n:+.3f}" for v in mean_diff[1:5]))
