<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="se_NO">
<context>
    <name>BluetoothScreen</name>
    <message>
        <source>Blood-pressure monitor</source>
        <translation>Varradeaddomihttár</translation>
    </message>
    <message>
        <source>Pulse sensor</source>
        <translation>Pulsamihttár</translation>
    </message>
    <message>
        <source>Pulse oximeter</source>
        <translation>Pulsaoksymehtar</translation>
    </message>
    <message>
        <source>Thermometer</source>
        <translation>Temperatuvramihttár</translation>
    </message>
    <message>
        <source>Scale</source>
        <translation>Deaddovuoga</translation>
    </message>
    <message>
        <source>Blood-sugar meter</source>
        <translation>Varrasohkarmihttár</translation>
    </message>
    <message>
        <source>Scan</source>
        <translation>Oza</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Namma</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Čujuhus</translation>
    </message>
    <message>
        <source>Signal</source>
        <translation>Signála</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Šládja</translation>
    </message>
    <message>
        <source>Paired</source>
        <translation>Čadnojuvvon</translation>
    </message>
    <message>
        <source>Pair</source>
        <translation>Čatna</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modealla</translation>
    </message>
    <message>
        <source>Serial number</source>
        <translation>Ráidonummir</translation>
    </message>
    <message>
        <source>Firmware</source>
        <translation>Firmware</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Dilli</translation>
    </message>
    <message>
        <source>Last contact</source>
        <translation>Maŋimus oktavuohta</translation>
    </message>
    <message>
        <source>Battery</source>
        <translation>Batteriija</translation>
    </message>
    <message>
        <source>Forget device</source>
        <translation>Vajálda rusttega</translation>
    </message>
    <message>
        <source>Test read</source>
        <translation>Geahččalanlohkan</translation>
    </message>
    <message>
        <source>Health devices nearby</source>
        <translation>Dearvvašvuođarusttegat lahkosis</translation>
    </message>
    <message>
        <source>Paired with this hub</source>
        <translation>Čadnojuvvon dán hubii</translation>
    </message>
    <message>
        <source>Looking for health devices nearby...</source>
        <translation>Ohcá dearvvašvuođarusttegiid lahkosis ...</translation>
    </message>
    <message>
        <source>not recognised</source>
        <translation>ii dovdojuvvon</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>juo</translation>
    </message>
    <message>
        <source>no</source>
        <translation>ii</translation>
    </message>
    <message>
        <source>{count} health device(s) found.</source>
        <translation>Gávdnui {count} dearvvašvuođarusttet.</translation>
    </message>
    <message>
        <source>Scanning failed: {reason}</source>
        <translation>Ohcan ii lihkostuvvan: {reason}</translation>
    </message>
    <message>
        <source>Scan, then choose the device to pair in the list.</source>
        <translation>Oza, ja vállje dasto listtus rusttega maid galgá čatnat.</translation>
    </message>
    <message>
        <source>Pairing {address}... (put the device in pairing mode if it has one)</source>
        <translation>Čatná {address} ... (bija rusttega čatnandillái jus das lea dakkár)</translation>
    </message>
    <message>
        <source>connected</source>
        <translation>čatnon</translation>
    </message>
    <message>
        <source>waiting for the device</source>
        <translation>vuordá rusttega</translation>
    </message>
    <message>
        <source>Choose a paired device in the list first.</source>
        <translation>Vállje vuos čadnojuvvon rusttega listtus.</translation>
    </message>
    <message>
        <source>Reading {address}...</source>
        <translation>Lohká {address} ...</translation>
    </message>
    <message>
        <source>Test read failed: {reason}</source>
        <translation>Geahččalanlohkan ii lihkostuvvan: {reason}</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>amas</translation>
    </message>
    <message>
        <source>none yet</source>
        <translation>ii vel oktage</translation>
    </message>
    <message>
        <source>Connected. Battery {battery}. {model}, serial number {serial}, firmware {firmware}. Last reading stored: {last}.</source>
        <translation>Čatnon. Batteriija {battery}. {model}, ráidonummir {serial}, firmware {firmware}. Maŋimus mihtideapmi vurkejuvvon: {last}.</translation>
    </message>
</context>
<context>
    <name>CallOutScreen</name>
    <message>
        <source>Who do you want to call?</source>
        <translation>Geasa don háliidat riŋget?</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>Ruovttoluotta</translation>
    </message>
    <message>
        <source>There is no one to call yet. The home-care service can add your family.</source>
        <translation>Ii leat vel oktage geasa riŋget. Ruoktobálvalus sáhttá lasihit du bearraša.</translation>
    </message>
    <message>
        <source>Home-care service</source>
        <translation>Ruoktobálvalus</translation>
    </message>
    <message>
        <source>Call {name}</source>
        <translation>Riŋge {name}</translation>
    </message>
    <message>
        <source>Calling...</source>
        <translation>Riŋge ...</translation>
    </message>
    <message>
        <source>The call to {name} could not be started. Try again later, or press Help if you need help.</source>
        <translation>Ii sáhttán riŋget {name}. Geahččal fas maŋŋelis, dahje deaddil Veahkki jus dárbbašat veahki.</translation>
    </message>
</context>
<context>
    <name>CallScreen</name>
    <message>
        <source>Answer</source>
        <translation>Vástit</translation>
    </message>
    <message>
        <source>Not now</source>
        <translation>Ii dál</translation>
    </message>
    <message>
        <source>Quieter</source>
        <translation>Hiljit</translation>
    </message>
    <message>
        <source>Louder</source>
        <translation>Garrasit</translation>
    </message>
    <message>
        <source>End call</source>
        <translation>Heaitte</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>Video call as planned, {time}</source>
        <translation>Šiehtadan videoriŋgen, {time}</translation>
    </message>
    <message>
        <source>is calling you on video</source>
        <translation>riŋge dutnje videoin</translation>
    </message>
    <message>
        <source>You missed a video call</source>
        <translation>Don it vástidan videoriŋgemii</translation>
    </message>
    <message>
        <source>{who} called at {time}.</source>
        <translation>{who} riŋgii diibmu {time}.</translation>
    </message>
    <message>
        <source>{who} has been told that you could not answer.</source>
        <translation>{who} lea ožžon dieđu ahte don it sáhttán vástidit.</translation>
    </message>
    <message>
        <source>Answers by itself in {seconds} seconds</source>
        <translation>Vástida ieš {seconds} sekundda geahčen</translation>
    </message>
    <message>
        <source>Sound: {level} of 10</source>
        <translation>Jietna: {level} / 10</translation>
    </message>
    <message>
        <source>No camera and no microphone found: you can see and hear the other person, but they cannot see or hear you.</source>
        <translation>Ii gávdnon kámerá iige mikrofovdna: don oaiddát ja gulat nuppi, muhto son ii oainne iige gula du.</translation>
    </message>
    <message>
        <source>No camera found: the other person can hear you, but cannot see you.</source>
        <translation>Ii gávdnon kámerá: nubbi gullá du, muhto ii oainne du.</translation>
    </message>
    <message>
        <source>No microphone found: the other person can see you, but cannot hear you.</source>
        <translation>Ii gávdnon mikrofovdna: nubbi oaidná du, muhto ii gula du.</translation>
    </message>
</context>
<context>
    <name>CountdownScreen</name>
    <message>
        <source>The fall sensor noticed a fall.</source>
        <translation>Gahččansensor fuomášii gahččama.</translation>
    </message>
    <message>
        <source>You have been out of bed for a long time tonight.</source>
        <translation>Don leat leamaš guhká bajil dán ija.</translation>
    </message>
    <message>
        <source>The door is open. Are you outside?</source>
        <translation>Uksa lea rabas. Leatgo olgun?</translation>
    </message>
    <message>
        <source>We have not noticed you moving for a long time.</source>
        <translation>Mii eat leat fuomášan du lihkadeamen guhkes áigái.</translation>
    </message>
    <message>
        <source>Are you OK?</source>
        <translation>Leago buot bures?</translation>
    </message>
    <message>
        <source>I&apos;m OK</source>
        <translation>Buot lea bures</translation>
    </message>
    <message>
        <source>An alarm is about to be sent.</source>
        <translation>Alárbma sáddejuvvo fargga.</translation>
    </message>
    <message>
        <source>Are you OK? Press the green button if you are.</source>
        <translation>Leago buot bures? Deaddil ruoná boalu jus lea.</translation>
    </message>
    <message>
        <source>If you do not answer, the home-care service is called in {seconds} seconds.</source>
        <translation>Jus it vástit, de ruoktobálvalus gohččojuvvo {seconds} sekundda geahčen.</translation>
    </message>
    <message>
        <source>Calling the home-care service...</source>
        <translation>Gohčču ruoktobálvalusa ...</translation>
    </message>
</context>
<context>
    <name>HelpScreen</name>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>Your call for help is registered</source>
        <translation>Mii leat registreren ahte don dárbbašat veahki</translation>
    </message>
    <message>
        <source>It was registered at {time}. The home-care service will be told and will contact you as soon as they can.

If you can, sit down and stay where you are.</source>
        <translation>Dat registrerejuvvui diibmu {time}. Ruoktobálvalus oažžu dieđu ja váldá oktavuođa duinna nu jođánit go sáhttá.

Jus sáhtát, de čohkká ja oro doppe gos leat.</translation>
    </message>
    <message>
        <source>Help is on the way: {name}</source>
        <translation>Veahkki lea boahtimin: {name}</translation>
    </message>
    <message>
        <source>{name} has your alarm and will contact you.

If you can, sit down and stay where you are.</source>
        <translation>{name} lea ožžon du alármma ja váldá oktavuođa duinna.

Jus sáhtát, de čohkká ja oro doppe gos leat.</translation>
    </message>
    <message>
        <source>{name} is coming</source>
        <translation>{name} boahtá</translation>
    </message>
    <message>
        <source>{name} answered the message and is on the way. The home-care service knows.

If you can, sit down and stay where you are.</source>
        <translation>{name} lea vástidan dieđu ja lea boahtimin. Ruoktobálvalus diehtá dan.

Jus sáhtát, de čohkká ja oro doppe gos leat.</translation>
    </message>
    <message>
        <source>Nobody has answered yet</source>
        <translation>Ii oktage leat vel vástidan</translation>
    </message>
    <message>
        <source>If you can, phone the home-care service, or 113 if it is an emergency.</source>
        <translation>Jus sáhtát, de riŋge ruoktobálvalussii, dahje 113 jus lea hoahppu.</translation>
    </message>
    <message>
        <source>We are still waiting for an answer</source>
        <translation>Mii vuordit ain vástádusa</translation>
    </message>
    <message>
        <source>We have also sent a message to {names}.</source>
        <translation>Mii leat maiddái sádden dieđu {names}.</translation>
    </message>
    <message>
        <source>We are calling the home-care service again.</source>
        <translation>Mii dieđihit ruoktobálvalussii fas.</translation>
    </message>
    <message>
        <source>If you can, sit down and stay where you are.</source>
        <translation>Jus sáhtát, de čohkká ja oro doppe gos leat.</translation>
    </message>
    <message>
        <source>Help is being called</source>
        <translation>Veahkki lea gohččojuvvon</translation>
    </message>
    <message>
        <source>The alarm was sent at {time}. The home-care service will be told and will contact you as soon as they can.

If you can, sit down and stay where you are.</source>
        <translation>Alárbma sáddejuvvui diibmu {time}. Ruoktobálvalus oažžu dieđu ja váldá oktavuođa duinna nu jođánit go sáhttá.

Jus sáhtát, de čohkká ja oro doppe gos leat.</translation>
    </message>
    <message>
        <source>Your call for help could not be registered</source>
        <translation>Mii eat sáhttán registreret ahte don dárbbašat veahki</translation>
    </message>
    <message>
        <source>Something is wrong with this screen. Please phone the home-care service, or 113 if it is an emergency.</source>
        <translation>Juoga lea boasttu dán šearpmain. Riŋge ruoktobálvalussii, dahje 113 jus lea hoahppu.</translation>
    </message>
</context>
<context>
    <name>HistoryChart</name>
    <message>
        <source>upper</source>
        <translation>bajimus</translation>
    </message>
    <message>
        <source>lower</source>
        <translation>vuolimus</translation>
    </message>
    <message>
        <source>pulse</source>
        <translation>pulsa</translation>
    </message>
    <message>
        <source>oxygen</source>
        <translation>oksygena</translation>
    </message>
    <message>
        <source>temperature</source>
        <translation>temperatuvra</translation>
    </message>
    <message>
        <source>weight</source>
        <translation>lossodat</translation>
    </message>
    <message>
        <source>blood sugar</source>
        <translation>varrasohkar</translation>
    </message>
</context>
<context>
    <name>HomeScreen</name>
    <message>
        <source>Today</source>
        <translation>Odne</translation>
    </message>
    <message>
        <source>Help</source>
        <translation>Veahkki</translation>
    </message>
    <message>
        <source>Press to call the home-care service</source>
        <translation>Deaddil gohččut ruoktobálvalusa</translation>
    </message>
    <message>
        <source>Help: call the home-care service</source>
        <translation>Veahkki: gohčču ruoktobálvalusa</translation>
    </message>
    <message>
        <source>Press to call
the home-care service</source>
        <translation>Deaddil gohččut
ruoktobálvalusa</translation>
    </message>
    <message>
        <source>Technician (press and hold)</source>
        <translation>Teknihkkár (deaddil ja doala)</translation>
    </message>
    <message>
        <source>Video call</source>
        <translation>Videoriŋgen</translation>
    </message>
    <message>
        <source>My data</source>
        <translation>Mu dieđut</translation>
    </message>
    <message>
        <source>Larger text</source>
        <translation>Stuorát teaksta</translation>
    </message>
    <message>
        <source>Good morning, {name}</source>
        <translation>Buorre iđit, {name}</translation>
    </message>
    <message>
        <source>Good morning</source>
        <translation>Buorre iđit</translation>
    </message>
    <message>
        <source>Good afternoon, {name}</source>
        <translation>Buorre beaivi, {name}</translation>
    </message>
    <message>
        <source>Good afternoon</source>
        <translation>Buorre beaivi</translation>
    </message>
    <message>
        <source>Good evening, {name}</source>
        <translation>Buorre eahket, {name}</translation>
    </message>
    <message>
        <source>Good evening</source>
        <translation>Buorre eahket</translation>
    </message>
    <message>
        <source>Good night, {name}</source>
        <translation>Buorre idja, {name}</translation>
    </message>
    <message>
        <source>Good night</source>
        <translation>Buorre idja</translation>
    </message>
    <message>
        <source>Nothing is planned for today.</source>
        <translation>Odne ii leat mihkkege plánejuvvon.</translation>
    </message>
    <message>
        <source>Everything is working</source>
        <translation>Buot doaibmá nu go galgá</translation>
    </message>
    <message>
        <source>The hub needs service. The Help button still works.</source>
        <translation>Hub dárbbaša divodeami. Veahkkeboallu doaibmá ain.</translation>
    </message>
    <message>
        <source>The {device} needs attention</source>
        <translation>{device} ferte dárkkistit</translation>
    </message>
    <message>
        <source>(and {count} more)</source>
        <translation>(ja {count} eará)</translation>
    </message>
    <message>
        <source>{who} calls you (video)</source>
        <translation>{who} riŋge dutnje (video)</translation>
    </message>
    <message>
        <source>Measure blood pressure</source>
        <translation>Mihtit varradeattu</translation>
    </message>
    <message>
        <source>Measure oxygen</source>
        <translation>Mihtit oksygena</translation>
    </message>
    <message>
        <source>Measure temperature</source>
        <translation>Mihtit temperatuvrra</translation>
    </message>
    <message>
        <source>Weigh yourself</source>
        <translation>Deattut iežat</translation>
    </message>
    <message>
        <source>Measure blood sugar</source>
        <translation>Mihtit varrasohkara</translation>
    </message>
    <message>
        <source>medicine dispenser</source>
        <translation>Dálkkasautomáhtta</translation>
    </message>
    <message>
        <source>alarm sensor receiver</source>
        <translation>Alárbmasensoriid vuostáiváldi</translation>
    </message>
    <message>
        <source>mobile modem</source>
        <translation>Mobiilamodem</translation>
    </message>
    <message>
        <source>blood-pressure monitor</source>
        <translation>Varradeaddomihttár</translation>
    </message>
    <message>
        <source>pulse sensor</source>
        <translation>Pulsamihttár</translation>
    </message>
    <message>
        <source>oxygen meter</source>
        <translation>Oksygenamihttár</translation>
    </message>
    <message>
        <source>thermometer</source>
        <translation>Temperatuvramihttár</translation>
    </message>
    <message>
        <source>scale</source>
        <translation>Deaddovuoga</translation>
    </message>
    <message>
        <source>blood-sugar meter</source>
        <translation>Varrasohkarmihttár</translation>
    </message>
    <message>
        <source>connection to the home-care service</source>
        <translation>Oktavuohta ruoktobálvalussii</translation>
    </message>
    <message>
        <source>hub</source>
        <translation>hub</translation>
    </message>
    <message>
        <source>fall sensor</source>
        <translation>Gahččansensor</translation>
    </message>
    <message>
        <source>alarm pendant</source>
        <translation>Alárbmaboallu</translation>
    </message>
    <message>
        <source>bed sensor</source>
        <translation>Seaŋgasensor</translation>
    </message>
    <message>
        <source>door sensor</source>
        <translation>Uksasensor</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Help</source>
        <translation>Veahkki</translation>
    </message>
    <message>
        <source>Help: call the home-care service</source>
        <translation>Veahkki: gohčču ruoktobálvalusa</translation>
    </message>
    <message>
        <source>Assigned {port}: {model}, serial number {serial}, firmware {firmware}.</source>
        <translation>Čatnon {port}: {model}, ráidonummir {serial}, firmware {firmware}.</translation>
    </message>
    <message>
        <source>Not assigned: {reason}</source>
        <translation>Ii čatnon: {reason}</translation>
    </message>
    <message>
        <source>Failed: {reason}</source>
        <translation>Ii lihkostuvvan: {reason}</translation>
    </message>
    <message>
        <source>The dispenser signalled the resident.</source>
        <translation>Automáhtta dieđihii ássái.</translation>
    </message>
    <message>
        <source>Learn mode is on: press the button on each sensor.</source>
        <translation>Oahpahanvuohki lea alde: deaddil boalu juohke sensoris.</translation>
    </message>
    <message>
        <source>Learn mode is off.</source>
        <translation>Oahpahanvuohki lea jáddaduvvon.</translation>
    </message>
    <message>
        <source>{dbm} dBm ({bars} of 5 bars)</source>
        <translation>{dbm} dBm ({bars} / 5 sázu)</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>amas</translation>
    </message>
    <message>
        <source>home network</source>
        <translation>ruoktofierpmádat</translation>
    </message>
    <message>
        <source>roaming</source>
        <translation>roaming</translation>
    </message>
    <message>
        <source>searching for a network</source>
        <translation>ohcá fierpmádaga</translation>
    </message>
    <message>
        <source>refused by the network</source>
        <translation>fierpmádat hilgui</translation>
    </message>
    <message>
        <source>not registered</source>
        <translation>ii registrerejuvvon</translation>
    </message>
    <message>
        <source>Signal: {strength}. Network: {network}.</source>
        <translation>Signála: {strength}. Fierpmádat: {network}.</translation>
    </message>
    <message>
        <source>The test SMS was sent.</source>
        <translation>Geahččalan-SMS sáddejuvvui.</translation>
    </message>
    <message>
        <source>Paired {name} ({address}).</source>
        <translation>Čadnojuvvon {name} ({address}).</translation>
    </message>
    <message>
        <source>Not paired: {reason}</source>
        <translation>Ii čadnojuvvon: {reason}</translation>
    </message>
</context>
<context>
    <name>MeasureScreen</name>
    <message>
        <source>Back</source>
        <translation>Ruovttoluotta</translation>
    </message>
    <message>
        <source>Earlier readings</source>
        <translation>Ovddit mihtideamit</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Gárvvis</translation>
    </message>
    <message>
        <source>7 days</source>
        <translation>7 beaivvi</translation>
    </message>
    <message>
        <source>30 days</source>
        <translation>30 beaivvi</translation>
    </message>
    <message>
        <source>Put on the cuff, then press the button on the monitor.</source>
        <translation>Bija mansjeahta, ja deaddil dasto mihttára boalu.</translation>
    </message>
    <message>
        <source>Put the clip on a finger and keep your hand still.</source>
        <translation>Bija báttiid suorbmii, ja doala gieđa jaskat.</translation>
    </message>
    <message>
        <source>Take your temperature as you usually do.</source>
        <translation>Mihtit temperatuvrra nugo dábálaččat.</translation>
    </message>
    <message>
        <source>Step onto the scale and stand still.</source>
        <translation>Čuoččut deaddovuogaide ja čuoččo jaskat.</translation>
    </message>
    <message>
        <source>Measure your blood sugar as you usually do.</source>
        <translation>Mihtit varrasohkara nugo dábálaččat.</translation>
    </message>
    <message>
        <source>Your blood pressure</source>
        <translation>Du varradeaddu</translation>
    </message>
    <message>
        <source>Your oxygen level</source>
        <translation>Du oksygenadássi</translation>
    </message>
    <message>
        <source>Your temperature</source>
        <translation>Du temperatuvra</translation>
    </message>
    <message>
        <source>Your weight</source>
        <translation>Du lossodat</translation>
    </message>
    <message>
        <source>Your blood sugar</source>
        <translation>Du varrasohkar</translation>
    </message>
    <message>
        <source>{what} is saved.</source>
        <translation>{what} lea vurkejuvvon.</translation>
    </message>
    <message>
        <source>{what} is within your limits.</source>
        <translation>{what} lea du rájiid siskkobealde.</translation>
    </message>
    <message>
        <source>{what} is a little outside your limits. Measure again at the usual time.</source>
        <translation>{what} lea veaháš du rájiid olggobealde. Mihtit fas dábálaš áigái.</translation>
    </message>
    <message>
        <source>{what} is far outside your limits. Sit down and rest. If you feel unwell, press Help.</source>
        <translation>{what} lea guhkkin du rájiid olggobealde. Čohkká ja vuoiŋŋas. Deaddil Veahkki jus it dovdda iežat bures.</translation>
    </message>
    <message>
        <source>The monitor noticed an irregular pulse.</source>
        <translation>Mihttár fuomášii ahte pulsa ii lean dássidis.</translation>
    </message>
    <message>
        <source>The cuff was too loose. Put it on a little tighter and measure once more.</source>
        <translation>Mansjeahtta lei menddo láska. Gárgguš dan veaháš ja mihtit vel háve.</translation>
    </message>
    <message>
        <source>You moved while it measured. Sit still and measure once more.</source>
        <translation>Don lihkadit go mihtidii. Čohkká jaskat ja mihtit vel háve.</translation>
    </message>
    <message>
        <source>The cuff was not in the right place. Put it on again and measure once more.</source>
        <translation>Mansjeahtta ii lean riekta sajis. Bija dan fas ja mihtit vel háve.</translation>
    </message>
    <message>
        <source>Your pulse was outside what the monitor can measure.</source>
        <translation>Du pulsa lei olggobealde dan maid mihttár sáhttá mihtidit.</translation>
    </message>
    <message>
        <source>The device was not sure of this reading. Measure once more.</source>
        <translation>Mihttár ii lean sihkar dán mihtideamis. Mihtit vel háve.</translation>
    </message>
    <message>
        <source>Pulse {pulse} per minute</source>
        <translation>Pulsa {pulse} minuhtas</translation>
    </message>
    <message>
        <source>Waiting for the measurement...</source>
        <translation>Vuordá mihtideami ...</translation>
    </message>
    <message>
        <source>Measuring... {pressure} mmHg</source>
        <translation>Mihtida ... {pressure} mmHg</translation>
    </message>
    <message>
        <source>over</source>
        <translation>badjel</translation>
    </message>
    <message>
        <source>No measurement has come yet. Check that the device is switched on and near this screen, then try again.</source>
        <translation>Ii leat vel boahtán mihkkege mihtideapmi. Dárkkis ahte mihttár lea čakkihuvvon ja lea lahka dán šearpma, ja geahččal fas.</translation>
    </message>
    <message>
        <source>{what}, the last {days} days</source>
        <translation>{what}, maŋimus {days} beaivvi</translation>
    </message>
    <message>
        <source>No readings in these days.</source>
        <translation>Eai leat mihtideamit dáid beivviid.</translation>
    </message>
</context>
<context>
    <name>MessageScreen</name>
    <message>
        <source>OK, I have read it</source>
        <translation>OK, mun lean lohkan dan</translation>
    </message>
    <message>
        <source>the home-care service</source>
        <translation>ruoktobálvalus</translation>
    </message>
    <message>
        <source>A message from {sender} at {time}</source>
        <translation>Diehtu {sender} diibmu {time}</translation>
    </message>
</context>
<context>
    <name>MyDataScreen</name>
    <message>
        <source>My data</source>
        <translation>Mu dieđut</translation>
    </message>
    <message>
        <source>What this screen keeps</source>
        <translation>Maid dát šearbma vurke</translation>
    </message>
    <message>
        <source>For how long</source>
        <translation>Man guhká</translation>
    </message>
    <message>
        <source>Who receives it</source>
        <translation>Geat ožžot dan</translation>
    </message>
    <message>
        <source>What you have agreed to</source>
        <translation>Masa don leat dadjan juo</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>Your measurements: {n}</source>
        <translation>Du mihtideamit: {n}</translation>
    </message>
    <message>
        <source>Your medicines, taken or missed: {n}</source>
        <translation>Du dálkkasat, váldon dahje vajálduvvon: {n}</translation>
    </message>
    <message>
        <source>Alarms: {n}</source>
        <translation>Alárpmat: {n}</translation>
    </message>
    <message>
        <source>Reminders: {n}</source>
        <translation>Muittuhusat: {n}</translation>
    </message>
    <message>
        <source>Getting up at night and moving about: {n}</source>
        <translation>Go čuožžilat ihkku ja lihkadat: {n}</translation>
    </message>
    <message>
        <source>Messages from the devices (batteries and the like): {n}</source>
        <translation>Dieđut rusttegiin (batteriijat ja nu ain): {n}</translation>
    </message>
    <message>
        <source>{days} days. After that it is deleted from this screen. A record of who did what is kept, without your measurements.</source>
        <translation>{days} beaivvi. Dan maŋŋá dat sihkkojuvvo dán šearpmas. Logga das gii dagai maid vurkejuvvo, du mihtidemiid haga.</translation>
    </message>
    <message>
        <source>The home-care service: your alarms and medicines{measurements}.</source>
        <translation>Ruoktobálvalus: du alárpmat ja dálkkasat{measurements}.</translation>
    </message>
    <message>
        <source>, and your measurements</source>
        <translation>, ja du mihtideamit</translation>
    </message>
    <message>
        <source>By text message, when an alarm is not answered: {names}.</source>
        <translation>SMS:in, go ii oktage vástit alárbmii: {names}.</translation>
    </message>
    <message>
        <source>This screen is not connected to the home-care service yet: it keeps what is to be sent until it is.</source>
        <translation>Dát šearbma ii leat vel čatnon ruoktobálvalussii: dat vurke dan mii galgá sáddejuvvot dassážii go lea čatnon.</translation>
    </message>
    <message>
        <source>Sharing your measurements</source>
        <translation>Du mihtidemiid juogadeapmi</translation>
    </message>
    <message>
        <source>Watching for long times out of bed at night, or no movement</source>
        <translation>Dieđiha go leat guhká bajil ihkku, dahje it lihkat</translation>
    </message>
    <message>
        <source>Answering video calls by itself</source>
        <translation>Vástidit videoriŋgemiidda ieš</translation>
    </message>
    <message>
        <source>Telling your relatives about alarms</source>
        <translation>Dieđihit fulkkiide alárpmaid birra</translation>
    </message>
    <message>
        <source>{what}: not asked</source>
        <translation>{what}: ii jearran</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>juo</translation>
    </message>
    <message>
        <source>no</source>
        <translation>ii</translation>
    </message>
    <message>
        <source>{what}: {answer} (recorded by {who}, {when})</source>
        <translation>{what}: {answer} (registreren {who}, {when})</translation>
    </message>
</context>
<context>
    <name>PinScreen</name>
    <message>
        <source>Technician: enter the PIN</source>
        <translation>Teknihkkár: čális PIN-koda</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Raba</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Sihko</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>Ruovttoluotta</translation>
    </message>
    <message>
        <source>Wrong PIN. {count} tries left before the door locks.</source>
        <translation>Boasttu PIN-koda. {count} geahččalan báhcá ovdal go lohkkaduvvo.</translation>
    </message>
    <message>
        <source>Locked after too many wrong PINs. Try again after {time}.</source>
        <translation>Lohkkaduvvon go ledje menddo ollu boasttu PIN-kodat. Geahččal fas maŋŋel diibmu {time}.</translation>
    </message>
    <message>
        <source>No technician PIN is set on this hub. Set one with: welfare-hub set-pin</source>
        <translation>Dán hubas ii leat teknihkkára PIN-koda. Bija dan: welfare-hub set-pin</translation>
    </message>
    <message>
        <source>The PIN file cannot be used: {reason}</source>
        <translation>PIN-fiila ii sáhte geavahit: {reason}</translation>
    </message>
    <message>
        <source>The PIN could not be checked. See the log.</source>
        <translation>PIN-koda ii sáhttán dárkkistit. Geahča logga.</translation>
    </message>
</context>
<context>
    <name>ReminderScreen</name>
    <message>
        <source>I have taken it</source>
        <translation>Mun lean váldán dan</translation>
    </message>
    <message>
        <source>Measure now</source>
        <translation>Mihtit dál</translation>
    </message>
    <message>
        <source>Later</source>
        <translation>Maŋŋelis</translation>
    </message>
    <message>
        <source>your blood pressure</source>
        <translation>du varradeattu</translation>
    </message>
    <message>
        <source>your oxygen level</source>
        <translation>du oksygenadási</translation>
    </message>
    <message>
        <source>your temperature</source>
        <translation>du temperatuvrra</translation>
    </message>
    <message>
        <source>your weight</source>
        <translation>du lossodaga</translation>
    </message>
    <message>
        <source>your blood sugar</source>
        <translation>du varrasohkara</translation>
    </message>
    <message>
        <source>Time for your medicine</source>
        <translation>Áigi váldit dálkkasa</translation>
    </message>
    <message>
        <source>Take it from the medicine dispenser. Its light shows where.</source>
        <translation>Váldde dan dálkkasautomáhtas. Čuovga čájeha gos.</translation>
    </message>
    <message>
        <source>Take your medicine, then press the green button.</source>
        <translation>Váldde dálkkasa, ja deaddil dasto ruoná boalu.</translation>
    </message>
    <message>
        <source>Time to measure</source>
        <translation>Áigi mihtidit</translation>
    </message>
    <message>
        <source>Press the green button when you are ready.</source>
        <translation>Deaddil ruoná boalu go leat gárvvis.</translation>
    </message>
    <message>
        <source>Video call</source>
        <translation>Videoriŋgen</translation>
    </message>
    <message>
        <source>{who} calls at {time}.</source>
        <translation>{who} riŋge diibmu {time}.</translation>
    </message>
    <message>
        <source>(This was due at {time}.)</source>
        <translation>(Dát galggai leat diibmu {time}.)</translation>
    </message>
    <message>
        <source>This is a reminder again.</source>
        <translation>Dát lea vel muittuhus.</translation>
    </message>
    <message>
        <source>Thank you</source>
        <translation>Giitu</translation>
    </message>
    <message>
        <source>It is registered.</source>
        <translation>Dat lea registrerejuvvon.</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>Thank you. It is registered.</source>
        <translation>Giitu. Dat lea registrerejuvvon.</translation>
    </message>
</context>
<context>
    <name>SerialScreen</name>
    <message>
        <source>Medicine dispenser</source>
        <translation>Dálkkasautomáhtta</translation>
    </message>
    <message>
        <source>Sensor receiver</source>
        <translation>Sensorvuostáiváldi</translation>
    </message>
    <message>
        <source>GSM modem</source>
        <translation>GSM-modem</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>Poarta</translation>
    </message>
    <message>
        <source>USB id</source>
        <translation>USB-id</translation>
    </message>
    <message>
        <source>Serial number</source>
        <translation>Ráidonummir</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Čilgehus</translation>
    </message>
    <message>
        <source>or type a port path</source>
        <translation>dahje čális poartta bálgá</translation>
    </message>
    <message>
        <source>Check and assign</source>
        <translation>Dárkkis ja čatna</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Ođasmahte</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Šládja</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modealla</translation>
    </message>
    <message>
        <source>Firmware</source>
        <translation>Firmware</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Dilli</translation>
    </message>
    <message>
        <source>Last contact</source>
        <translation>Maŋimus oktavuohta</translation>
    </message>
    <message>
        <source>Battery</source>
        <translation>Batteriija</translation>
    </message>
    <message>
        <source>Test: signal the resident</source>
        <translation>Geahččalan: dieđit ássái</translation>
    </message>
    <message>
        <source>Learn mode on</source>
        <translation>Oahpahanvuohki alde</translation>
    </message>
    <message>
        <source>Learn mode off</source>
        <translation>Oahpahanvuohki jáddaduvvon</translation>
    </message>
    <message>
        <source>Forget device</source>
        <translation>Vajálda rusttega</translation>
    </message>
    <message>
        <source>Check signal</source>
        <translation>Dárkkis signála</translation>
    </message>
    <message>
        <source>phone number for a test SMS</source>
        <translation>telefovdnanummir geahččalan-SMS:i</translation>
    </message>
    <message>
        <source>Send test SMS</source>
        <translation>Sádde geahččalan-SMS</translation>
    </message>
    <message>
        <source>Enrolled sensors</source>
        <translation>Oahpahuvvon sensorat</translation>
    </message>
    <message>
        <source>Sensor</source>
        <translation>Sensor</translation>
    </message>
    <message>
        <source>Signal</source>
        <translation>Signála</translation>
    </message>
    <message>
        <source>Last check-in</source>
        <translation>Maŋimus dieđiheapmi</translation>
    </message>
    <message>
        <source>Serial ports found</source>
        <translation>Gávdnon ráidopoarttat</translation>
    </message>
    <message>
        <source>Assigned devices</source>
        <translation>Čatnon rusttegat</translation>
    </message>
    <message>
        <source>fall detector</source>
        <translation>gahččansensor</translation>
    </message>
    <message>
        <source>help button</source>
        <translation>alárbmaboallu</translation>
    </message>
    <message>
        <source>bed sensor</source>
        <translation>seaŋgasensor</translation>
    </message>
    <message>
        <source>door sensor</source>
        <translation>uksasensor</translation>
    </message>
    <message>
        <source>silent</source>
        <translation>jaskat</translation>
    </message>
    <message>
        <source>ok</source>
        <translation>ok</translation>
    </message>
    <message>
        <source>connected</source>
        <translation>čatnon</translation>
    </message>
    <message>
        <source>not connected</source>
        <translation>ii čatnon</translation>
    </message>
    <message>
        <source>Choose a port in the list or type its path.</source>
        <translation>Vállje poartta listtus dahje čális bálgá.</translation>
    </message>
    <message>
        <source>Checking {port}...</source>
        <translation>Dárkkista {port} ...</translation>
    </message>
    <message>
        <source>Type the phone number to send the test SMS to.</source>
        <translation>Čális telefovdnanummira gosa geahččalan-SMS galgá sáddejuvvot.</translation>
    </message>
</context>
<context>
    <name>SyncScreen</name>
    <message>
        <source>Service address</source>
        <translation>Bálvalusa čujuhus</translation>
    </message>
    <message>
        <source>Credential</source>
        <translation>Duođaštus</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>Oktavuohta</translation>
    </message>
    <message>
        <source>Waiting to be sent</source>
        <translation>Vuordá sáddejuvvot</translation>
    </message>
    <message>
        <source>Refused by the service</source>
        <translation>Bálvalus hilggui</translation>
    </message>
    <message>
        <source>Last sent</source>
        <translation>Maŋimus sáddejuvvon</translation>
    </message>
    <message>
        <source>Last problem</source>
        <translation>Maŋimus váttisvuohta</translation>
    </message>
    <message>
        <source>Test connection</source>
        <translation>Geahččal oktavuođa</translation>
    </message>
    <message>
        <source>never</source>
        <translation>ii goassege</translation>
    </message>
    <message>
        <source>not set: the hub keeps everything and tells the on-call phone by SMS ([care_service] url)</source>
        <translation>ii biddjon: hub vurke buot ja dieđiha vákttetelefovdnii SMS:in ([care_service] url)</translation>
    </message>
    <message>
        <source>connected</source>
        <translation>čatnon</translation>
    </message>
    <message>
        <source>not connected since {since}</source>
        <translation>ii čatnon {since} rájes</translation>
    </message>
    <message>
        <source>not connected</source>
        <translation>ii čatnon</translation>
    </message>
    <message>
        <source>{alarms} alarm(s), {doses} dose event(s), {readings} reading(s)</source>
        <translation>alárpmat: {alarms}, dálkkasdáhpáhusat: {doses}, mihtideamit: {readings}</translation>
    </message>
    <message>
        <source>Testing...</source>
        <translation>Geahččala ...</translation>
    </message>
    <message>
        <source>The test failed: {reason}</source>
        <translation>Geahččaleapmi ii lihkostuvvan: {reason}</translation>
    </message>
    <message>
        <source>The service answered and accepted the credential ({software}).</source>
        <translation>Bálvalus vástidii ja dohkkehii duođaštusa ({software}).</translation>
    </message>
</context>
<context>
    <name>SystemScreen</name>
    <message>
        <source>System</source>
        <translation>Vuogádat</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>Veršuvdna</translation>
    </message>
    <message>
        <source>Data folder</source>
        <translation>Dáhtamáhppa</translation>
    </message>
    <message>
        <source>Database</source>
        <translation>Dáhtavuođđu</translation>
    </message>
    <message>
        <source>Store replaced</source>
        <translation>Vurká lonuhuvvon</translation>
    </message>
    <message>
        <source>Free disk space</source>
        <translation>Friddja saji diskkas</translation>
    </message>
    <message>
        <source>Clock</source>
        <translation>Diibmu</translation>
    </message>
    <message>
        <source>Running for</source>
        <translation>Lea doaibman</translation>
    </message>
    <message>
        <source>Speech</source>
        <translation>Hupmu</translation>
    </message>
    <message>
        <source>Last log lines</source>
        <translation>Maŋimus loggalinját</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Ođasmahte</translation>
    </message>
    <message>
        <source>hub {hub}, system {system}</source>
        <translation>hub {hub}, vuogádat {system}</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>amas</translation>
    </message>
    <message>
        <source>{size}, schema {schema}, {events} events</source>
        <translation>{size}, skovvi {schema}, {events} dáhpáhusa</translation>
    </message>
    <message>
        <source>{time}, time zone {zone} (UTC{offset})</source>
        <translation>{time}, áigeavádat {zone} (UTC{offset})</translation>
    </message>
    <message>
        <source>never: this is the store the hub started with</source>
        <translation>ii goassege: dát lea vurká mainna hub álggii</translation>
    </message>
    <message>
        <source>the store could not be read</source>
        <translation>vurká ii sáhttán lohkat</translation>
    </message>
    <message>
        <source>the store was there before and was empty</source>
        <translation>vurká lei ovdalaččas ja lei guorus</translation>
    </message>
    <message>
        <source>the store was there before and was gone</source>
        <translation>vurká lei ovdalaččas ja lei jávkan</translation>
    </message>
    <message>
        <source>{at}: {what}. The hub started on a fresh store; the care service was told.</source>
        <translation>{at}: {what}. Hub álggii ođđa vurkkáin; ruoktobálvalussii dieđihuvvui.</translation>
    </message>
    <message>
        <source>Devices, pairings and the care plan came back from the setup copy.</source>
        <translation>Rusttegat, čatnamat ja dikšoplána vižžojuvvojedje ásahankopiijas.</translation>
    </message>
    <message>
        <source>Nothing could be restored: assign the devices again.</source>
        <translation>Ii mihkkege sáhttán viežžat: čatna rusttegiid ođđasit.</translation>
    </message>
    <message>
        <source>The old file is kept untouched as {file} in the data folder: to restore it, stop the hub and put it back as hub.db (docs/faults.md).</source>
        <translation>Boares fiila lea vurkejuvvon nu movt lei, {file} namain dáhtamáhpas: viežžan dihtii dan, bisset hub ja bija dan ruovttoluotta hub.db namain (docs/faults.md).</translation>
    </message>
    <message>
        <source>no voice for this language: the screen shows the words</source>
        <translation>ii jietna dán gillii: šearbma čájeha sániid</translation>
    </message>
    <message>
        <source>{engine}, voice {voice}</source>
        <translation>{engine}, jietna {voice}</translation>
    </message>
    <message>
        <source>none: the hub shows its words but cannot say them (install espeak-ng)</source>
        <translation>ii mihkkege: hub čájeha sániid, muhto ii sáhte dadjat daid (sajáiduhte espeak-ng)</translation>
    </message>
</context>
<context>
    <name>TechnicianArea</name>
    <message>
        <source>Technician</source>
        <translation>Teknihkkár</translation>
    </message>
    <message>
        <source>System</source>
        <translation>Vuogádat</translation>
    </message>
    <message>
        <source>Wired devices</source>
        <translation>Kábelrusttegat</translation>
    </message>
    <message>
        <source>Bluetooth devices</source>
        <translation>Bluetooth-rusttegat</translation>
    </message>
    <message>
        <source>Care service</source>
        <translation>Ruoktobálvalus</translation>
    </message>
    <message>
        <source>Close and lock</source>
        <translation>Gidde ja lohkka</translation>
    </message>
</context>
</TS>
